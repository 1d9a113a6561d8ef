import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../platform/logger';
import { WebClient } from '@slack/web-api';
import type { Database } from '../db';
import type { CommandDeps, SlackRequest } from './command';
import { answerCommand, loggable } from './commands';
import type { SlackFollowUps } from './followUps';
import type { SlackInstallations } from './installations';
import { slackLogger } from './logger';
import { ephemeral, type SlackReply } from './replies';
import { firstSightOfSignature } from './store';
import { escapeSlackText } from './text';
import { DIRECT_MESSAGE } from './channels';

// The envelopes Gantry acts on; every other event is acknowledged and left alone.
const urlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string() });
const eventCallback = z.object({
  type: z.literal('event_callback'),
  team_id: z.string(),
  event_id: z.string().optional(),
  event: z.looseObject({ type: z.string() }),
});
// A message in a direct message with the app, as the message.im event carries it. Messages
// with a subtype (edits, deletions, joins) and the bot's own are not commands.
const directMessage = z.object({
  type: z.literal('message'),
  channel_type: z.literal('im'),
  channel: z.string(),
  user: z.string(),
  text: z.string().default(''),
  subtype: z.undefined().optional(),
  bot_id: z.undefined().optional(),
});
const tokensRevoked = z.object({
  type: z.literal('tokens_revoked'),
  tokens: z.object({ bot: z.array(z.string()).default([]) }),
});

/**
 * POST /slack/events, behind verifySlackRequest: answers Slack's url_verification challenge,
 * and forgets a workspace's installation when the app is uninstalled there (app_uninstalled)
 * or its bot token is revoked (tokens_revoked naming the bot user). Slack resends an event it
 * gets no 2xx for, so every event, used or not, is answered 200.
 */
export function slackEventsHandler(deps: {
  installations: SlackInstallations;
  logger: Logger;
  /** What direct messages to the app are answered with: the commands of `/gantry`. */
  commands: CommandDeps;
  followUps: SlackFollowUps;
  db: Database;
}): RequestHandler {
  const logger = deps.logger.child({ component: 'slack-events' });
  return async (req, res) => {
    const challenge = urlVerification.safeParse(req.body);
    if (challenge.success) {
      res.json({ challenge: challenge.data.challenge });
      return;
    }
    const callback = eventCallback.safeParse(req.body);
    if (!callback.success) {
      res.status(200).json({ message: 'not an event Gantry uses; nothing was done' });
      return;
    }
    const { team_id: team, event } = callback.data;
    if (event.type === 'app_uninstalled') {
      const removed = await deps.installations.remove(team);
      logger.info({ team, removed: Boolean(removed) }, 'slack app uninstalled');
      res.json({ message: `the installation in workspace "${team}" was removed` });
      return;
    }
    const revoked = tokensRevoked.safeParse(event);
    if (revoked.success) {
      const removed = await deps.installations.removeBot(team, revoked.data.tokens.bot);
      if (removed) logger.info({ team }, 'slack bot token revoked');
      res.json({
        message: removed
          ? `the bot token of workspace "${team}" was revoked; its installation was removed`
          : 'no bot token Gantry keeps was revoked; nothing was done',
      });
      return;
    }
    const message = directMessage.safeParse(event);
    if (message.success) {
      // Slack delivers an event again when it did not hear back in time: it is answered once.
      const eventId = callback.data.event_id;
      const first = !eventId || (await firstSightOfSignature(deps.db, `event:${eventId}`));
      res.json({ message: first ? 'the command is being answered' : 'already answered' });
      if (first) answerDirectMessage(deps, team, message.data, logger);
      return;
    }
    res.json({ message: `"${event.type}" events are not used; nothing was done` });
  };
}

/**
 * A direct message to the app is a command, typed without the slash command (which Slack
 * would run as the slash command itself): answered in the same conversation by the bot,
 * after Slack has had its answer.
 */
function answerDirectMessage(
  deps: Parameters<typeof slackEventsHandler>[0],
  teamId: string,
  message: z.infer<typeof directMessage>,
  logger: Logger,
): void {
  const text = commandText(message.text, deps.commands.command);
  const named = {
    team: teamId,
    user: message.user,
    channel: message.channel,
    command: loggable(text),
  };
  const request: SlackRequest = {
    text,
    teamId,
    userId: message.user,
    channel: { id: message.channel, name: DIRECT_MESSAGE },
  };
  const deliver = async (reply: SlackReply) => {
    const token = (await deps.installations.installation(teamId))?.bot?.token;
    if (!token) return;
    const client = new WebClient(token, {
      slackApiUrl: deps.commands.slackApiUrl,
      logger: slackLogger(deps.logger),
      timeout: DM_REPLY_TIMEOUT_MS,
      retryConfig: { retries: 1 },
    });
    await client.chat.postMessage({
      channel: message.channel,
      text: reply.text,
      ...(reply.blocks ? { blocks: reply.blocks } : {}),
      unfurl_links: false,
    });
  };
  deps.followUps.start({
    responseUrl: undefined,
    deliver,
    request: named,
    work: () => answerCommand(deps.commands, request, text, logger.child(named)),
    notRun: ephemeral(
      `Gantry was stopping and did not run \`${escapeSlackText(text)}\`. Send it again in a minute.`,
    ),
  });
}

// Posting one answer takes Slack well under a second; a hung call must not hold the work.
const DM_REPLY_TIMEOUT_MS = 10_000;

/**
 * The command in a direct message: what follows a mention of the bot or the slash command's
 * name, if the person typed either, left as Slack sends text (as a slash command's is).
 */
export function commandText(text: string, command: string): string {
  const words = text.trim().replace(/^<@[A-Z0-9]+(\|[^>]*)?>\s*/, '');
  const name = command.replace(/^\//, '');
  for (const prefix of [`/${name}`, name]) {
    if (words === prefix) return '';
    if (words.startsWith(`${prefix} `)) return words.slice(prefix.length).trim();
  }
  return words;
}
