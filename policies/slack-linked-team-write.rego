# Write access for people in one GitLab group, from the Slack channel where the stack's runs
# are decided: a Slack request carries `input.session` only when the person linked their Slack
# account to their Gantry login (`/gantry link`), so unlinked people, and anyone typing in
# another channel, get nothing from this rule. Put your workspace's team ID (T…) in place of
# T0123ABCD and your group's full path in place of infra/platform.
package spacelift

import rego.v1

write if {
	input.slack.team.id == "T0123ABCD"
	input.slack.channel.name == "deploys"
	"infra/platform" in input.session.teams
}
