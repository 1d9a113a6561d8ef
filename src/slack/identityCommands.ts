import type { CommandDeps, SlackCommand } from './command';
import { LINK_DAYS } from './identities';
import { LINK_PATH } from './link';
import { ephemeral, type SlackReply } from './replies';
import { escapeSlackText } from './text';

/**
 * The answer to someone who must link a Gantry identity first: why, and a button to the page
 * that gives them the code to type (see slackLinkRouter). Only they see it.
 */
export function linkPrompt(deps: CommandDeps, why: string): SlackReply {
  const url = `${deps.publicUrl.replace(/\/+$/, '')}${LINK_PATH}`;
  const text = `${why}, so Gantry needs to know who you are. Open the link page, sign in with GitLab and get a code, then type \`${deps.command} link <code>\` here yourself. The link lasts ${LINK_DAYS} days.`;
  return ephemeral(escapeSlackText(text), [
    { type: 'section', text: { type: 'mrkdwn', text: escapeSlackText(text) } },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'gantry_link',
          text: { type: 'plain_text', text: 'Get a link code' },
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
    const ends = new Date(identity.linkedAt.getTime() + LINK_DAYS * 24 * 3_600_000);
    return ephemeral(
      `You are ${you}, linked to Gantry login \`${escapeSlackText(identity.login)}\` (${escapeSlackText(identity.name)}) until ${ends.toISOString().slice(0, 10)}. ${teamsText(identity.teams)} Runs and decisions you take from Slack carry it. Linking again with a new code refreshes your teams; \`${deps.command} unlink\` ends it.`,
    );
  },
};

const link: SlackCommand = {
  name: 'link',
  usage: '[code]',
  summary:
    'link your Slack account to your Gantry login: without a code, where to get one by signing in with GitLab',
  stack: 'none',
  async run({ deps, request, identity, args, log }) {
    const [code] = args;
    if (!code) {
      return linkPrompt(
        deps,
        identity
          ? `You are linked to \`${identity.login}\`; a new code replaces it`
          : 'Linking lets Gantry know who you are',
      );
    }
    const linked = await deps.identities.redeem(code, {
      teamId: request.teamId,
      userId: request.userId,
    });
    if (!linked) {
      return linkPrompt(deps, 'That code is not one Gantry gave, was used already or has expired');
    }
    log.info({ login: linked.login }, 'slack user linked to a gantry login');
    return ephemeral(
      `Your Slack account is linked to Gantry login \`${escapeSlackText(linked.login)}\` (${escapeSlackText(linked.name)}) for ${LINK_DAYS} days. ${teamsText(linked.teams)} \`${deps.command} unlink\` ends it.`,
    );
  },
};

/** The teams policies see, as an answer says them. */
function teamsText(teams: string[]): string {
  const listed = teams.length
    ? teams.map((team) => `\`${escapeSlackText(team)}\``).join(', ')
    : 'none';
  return `Stack access policies see it as \`input.session\`, with teams ${listed}.`;
}

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
