import type { SlackInput } from '../policy/evaluator';
import type { CommandDeps, SlackCommand, SlackRequest } from './command';
import { LINK_GRANT_MINUTES } from './identities';
import { ephemeral, type SlackReply } from './replies';
import { escapeSlackText } from './text';

/**
 * The answer to someone who must link a Gantry identity first: why, and a button to the page
 * that links it (see slackLinkRouter). Only they see it, and the link names them.
 */
export async function linkPrompt(
  deps: CommandDeps,
  request: SlackRequest,
  slack: SlackInput,
  why: string,
): Promise<SlackReply> {
  const grant = await deps.identities.grant({
    teamId: request.teamId,
    teamName: slack.team.name,
    userId: request.userId,
    userName: slack.user.display_name || slack.user.real_name,
  });
  const url = `${deps.publicUrl}/slack/link?${new URLSearchParams({ grant }).toString()}`;
  const text = `${why}, so Gantry needs to know who you are: link your Slack account to your Gantry login by signing in with GitLab (the link works for ${LINK_GRANT_MINUTES} minutes), then run the command again.`;
  return ephemeral(text, [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'gantry_link',
          text: { type: 'plain_text', text: 'Link with GitLab' },
          style: 'primary',
          url,
        },
      ],
    },
  ]);
}

const whoami: SlackCommand = {
  name: 'whoami',
  usage: '',
  summary:
    'which Gantry identity your Slack account is linked to, and what stack access policies see of you',
  stack: 'none',
  run({ deps, request, slack, identity }) {
    const you = `Slack user ${escapeSlackText(slack.user.display_name || slack.user.real_name || request.userId)} (\`${escapeSlackText(request.userId)}\`) of workspace ${escapeSlackText(slack.team.name || request.teamId)}`;
    if (!identity) {
      return ephemeral(
        `You are ${you}, not linked to a Gantry login: policies see only \`input.slack\`, and your runs are started as \`slack:${escapeSlackText(request.userId)}\`. \`${deps.command} link\` links your login.`,
      );
    }
    const teams = identity.teams.length
      ? identity.teams.map((team) => `\`${escapeSlackText(team)}\``).join(', ')
      : 'none';
    return ephemeral(
      `You are ${you}, linked to Gantry login \`${escapeSlackText(identity.login)}\` (${escapeSlackText(identity.name)}) since ${identity.linkedAt.toISOString().slice(0, 10)}. Policies see it as \`input.session\`, with teams ${teams}; runs and decisions you take from Slack carry it. \`${deps.command} link\` again refreshes your teams; \`${deps.command} unlink\` undoes it.`,
    );
  },
};

const link: SlackCommand = {
  name: 'link',
  usage: '',
  summary: 'link your Slack account to your Gantry login, by signing in with GitLab',
  stack: 'none',
  run({ deps, request, slack, identity }) {
    return linkPrompt(
      deps,
      request,
      slack,
      identity
        ? `You are linked to \`${escapeSlackText(identity.login)}\`; linking again replaces it`
        : 'Linking lets stack access policies see your Gantry login and teams',
    );
  },
};

const unlink: SlackCommand = {
  name: 'unlink',
  usage: '',
  summary: 'undo the link between your Slack account and your Gantry login',
  stack: 'none',
  async run({ deps, request }) {
    const removed = await deps.identities.unlink(request.teamId, request.userId);
    return ephemeral(
      removed
        ? `Your Slack account is no longer linked to Gantry login \`${escapeSlackText(removed.login)}\`.`
        : `Your Slack account was not linked to a Gantry login; nothing changed.`,
    );
  },
};

/** The subcommands about who the person is to Gantry. */
export const IDENTITY_COMMANDS: SlackCommand[] = [whoami, link, unlink];
