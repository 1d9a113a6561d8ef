# Write access to the stack for requests from one Slack channel: its members may confirm and
# discard runs with the buttons Gantry posts there. Keep the channel private and invite-only.
# Channel names are only unique within a workspace, so the rule names the workspace too: put
# your workspace's team ID (T…, listed by the slackIntegration query) in place of T0123ABCD.
# Written in the older v0 syntax of most published examples; Gantry compiles both.
package spacelift

write {
	input.slack.team.id == "T0123ABCD"
	input.slack.channel.name == "dev-notifications"
}
