# Nobody reaches the stack outside office hours: 9:00 to 18:00, Monday to Friday, Berlin time.
# A deny takes away what every team and policy gives, for API and Slack requests alike; admins
# are not subject to policies.
package spacelift

zone := "Europe/Berlin"

# API requests carry the time they were made; Slack requests are judged now.
now := input.request.timestamp_ns

now := time.now_ns() if not input.request

deny if time.weekday([now, zone]) in {"Saturday", "Sunday"}

deny if time.clock([now, zone])[0] < 9

deny if time.clock([now, zone])[0] >= 18
