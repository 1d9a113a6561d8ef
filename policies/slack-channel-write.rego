# Write access to the stack for requests from one Slack channel: its members may confirm and
# discard runs with the buttons Gantry posts there. Keep the channel private and invite-only.
# Written in the older v0 syntax of most published examples; Gantry compiles both.
package spacelift

write { input.slack.channel.name == "dev-notifications" }
