import type { RequestHandler } from 'express';
import { ulid } from 'ulid';
import { z } from 'zod';
import type { Database } from '../db';
import type { Logger } from '../platform/logger';
import type { SlackInput } from '../policy/evaluator';
import { type RunService } from '../runs/service';
import { RunType } from '../runs/types';
import type { SlackFollowUps } from './followUps';
import { ephemeral, type SlackReply } from './replies';
import { NOT_INSTALLED, NotInstalledError, type SlackPeople } from './slackUser';
import { SlackStackAccess } from './stackAccess';
import { escapeSlackText } from './text';
import { refusalOfChannel, subscribeChannel, unsubscribeChannel } from './store';
import type { Stack } from '../stacks/service';
import { ConflictError } from '../platform/errors';
import { runUrl } from '../runs/links';

// The fields of a slash command Gantry reads; Slack sends more.
const slashCommand = z.object({
  command: z.string(),
  text: z.string().default(''),
  team_id: z.string(),
  user_id: z.string(),
  channel_id: z.string(),
  channel_name: z.string().default(''),
  response_url: z.string(),
});
type SlashCommand = z.infer<typeof slashCommand>;

// What each subcommand needs of the stack; anything else gets help.
const NEEDS = new Map<string, 'read' | 'write'>([
  ['subscribe', 'read'],
  ['unsubscribe', 'read'],
  ['status', 'read'],
  ['trigger', 'write'],
]);

interface CommandDeps {
  db: Database;
  people: SlackPeople;
  stacks: SlackStackAccess;
  runs: RunService;
  followUps: SlackFollowUps;
  /** The slash command as the Slack app registers it, such as `/gantry`. */
  command: string;
  publicUrl: string;
  logger: Logger;
}

/**
 * POST /slack/commands, behind verifySlackRequest: the slash command. Slack is answered at
 * once with an empty 200, as Slack's own Bolt framework acknowledges, and the reply follows at
 * the command's response_url (see SlackFollowUps). Every subcommand but help is judged by the
 * stack's access policies with the `slack` input; replies are ephemeral.
 */
export function slackCommandsHandler(deps: CommandDeps): RequestHandler {
  const logger = deps.logger.child({ component: 'slack-commands' });
  return (req, res) => {
    const parsed = slashCommand.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'the body is not a Slack slash command' });
      return;
    }
    res.status(200).end();
    const request = parsed.data;
    const typed = `${request.command} ${request.text}`;
    const named = {
      team: request.team_id,
      user: request.user_id,
      channel: request.channel_id,
      command: typed,
    };
    const log = logger.child(named);
    deps.followUps.start({
      responseUrl: request.response_url,
      request: named,
      work: () =>
        run(deps, request, log).catch((error: Error) => {
          log.error({ err: error }, 'slack command failed');
          return ephemeral(
            `Gantry hit an error running \`${escapeSlackText(typed)}\`: ${escapeSlackText(error.message)}. Try again; if it keeps happening, tell your Gantry admin.`,
          );
        }),
      notRun: ephemeral(
        `Gantry was stopping and did not run \`${escapeSlackText(typed)}\`. Run it again in a minute.`,
      ),
    });
  };
}

async function run(deps: CommandDeps, request: SlashCommand, log: Logger): Promise<SlackReply> {
  const [subcommand = 'help', stackId] = request.text.trim().split(/\s+/).filter(Boolean);
  let slack: SlackInput;
  try {
    slack = await deps.people.input({
      command: request.text,
      teamId: request.team_id,
      userId: request.user_id,
      channel: { id: request.channel_id, name: request.channel_name },
    });
  } catch (error) {
    if (error instanceof NotInstalledError) {
      log.info('slack command from a workspace without the app');
      return ephemeral(NOT_INSTALLED);
    }
    log.warn({ err: error }, 'reading the slack user of a command');
    return ephemeral(
      `Slack did not tell Gantry who you are (${escapeSlackText((error as Error).message)}). Try again in a minute.`,
    );
  }
  const needed = NEEDS.get(subcommand);
  if (!needed) return ephemeral(help(deps.command));
  if (!stackId) {
    return ephemeral(
      escapeSlackText(`Name the stack: \`${deps.command} ${subcommand} <stackId>\`.`),
    );
  }
  const stack = await deps.stacks.stack(stackId, slack, needed);
  if (!stack) {
    log.info(
      { stackId, needed },
      'slack command refused: no such stack, or its policies do not allow',
    );
    return ephemeral(SlackStackAccess.refusal(stackId, needed));
  }
  switch (subcommand) {
    case 'subscribe':
      return subscribe(deps, request, stack);
    case 'unsubscribe':
      return unsubscribe(deps, request, stack);
    case 'status':
      return status(deps, request, stack);
    default:
      return trigger(deps, request, stack);
  }
}

function help(command: string): string {
  const lines = [
    `\`${command} subscribe <stackId>\`: post this stack's tracked runs in this channel, with Confirm and Discard buttons while a run waits (needs read).`,
    `\`${command} unsubscribe <stackId>\`: stop posting this stack's runs here (needs read).`,
    `\`${command} status <stackId>\`: the stack's latest tracked run (needs read).`,
    `\`${command} trigger <stackId>\`: start a tracked run of the stack's branch (needs write).`,
    `\`${command} help\`: this list.`,
    'Access comes from the stack access policies attached to each stack; ask a Gantry admin for one that lets this channel in.',
  ];
  return escapeSlackText(lines.join('\n'));
}

/**
 * Subscribes the channel, or resumes a subscription the notifier stopped after Slack refused
 * the channel (see SlackNotifier): subscribing again is how a channel says it can take messages.
 */
async function subscribe(deps: CommandDeps, request: SlashCommand, stack: Stack) {
  const id = ulid();
  const row = await subscribeChannel(deps.db, {
    id,
    ...channelOf(request, stack),
    channelName: request.channel_name,
    subscribedBy: request.user_id,
  });
  const name = escapeSlackText(stack.id);
  const stop = `\`${deps.command} unsubscribe ${name}\` stops them.`;
  if (!row) {
    return ephemeral(`This channel is already subscribed to stack "${name}"; nothing changed.`);
  }
  return ephemeral(
    row.id === id
      ? `This channel is now subscribed to stack "${name}": its tracked runs will be posted here. ${stop}`
      : `This channel is subscribed to stack "${name}" again: its tracked runs will be posted here once more. If they stop again, Slack refused the channel; invite the Gantry app to it or unarchive it, then subscribe again. ${stop}`,
  );
}

async function unsubscribe(deps: CommandDeps, request: SlashCommand, stack: Stack) {
  const removed = await unsubscribeChannel(deps.db, channelOf(request, stack));
  const name = escapeSlackText(stack.id);
  return ephemeral(
    removed
      ? `This channel is unsubscribed from stack "${name}"; its runs are no longer posted here.`
      : `This channel is not subscribed to stack "${name}"; nothing changed. \`${deps.command} subscribe ${name}\` subscribes it.`,
  );
}

async function status(deps: CommandDeps, request: SlashCommand, stack: Stack) {
  const name = escapeSlackText(stack.id);
  const [latest] = await deps.runs.listRuns(stack.id, { types: [RunType.TRACKED] });
  const refused = await refusalOfChannel(deps.db, channelOf(request, stack));
  // Told here because nobody in the channel sees the messages that stopped.
  const stopped = refused?.at
    ? `\nRun messages of this stack stopped reaching this channel on ${slackDate(refused.at)}: Slack answered ${escapeSlackText(refused.reason ?? 'with a refusal')}. Invite the Gantry app to the channel or unarchive it, then \`${deps.command} subscribe ${name}\` resumes them.`
    : '';
  if (!latest) {
    return ephemeral(
      `Stack "${name}" has no tracked runs yet. \`${deps.command} trigger ${name}\` starts one.${stopped}`,
    );
  }
  const title = latest.commitMessage.split('\n')[0];
  return ephemeral(
    `The latest tracked run of stack "${name}" is ${latest.state}, at commit \`${escapeSlackText(latest.commitHash.slice(0, 8))}\`${title ? ` (${escapeSlackText(title)})` : ''}: ${runUrl(deps.publicUrl, latest.stackId, latest.id)}${stopped}`,
  );
}

async function trigger(deps: CommandDeps, request: SlashCommand, stack: Stack) {
  const name = escapeSlackText(stack.id);
  try {
    const run = await deps.runs.trackHead(stack.id, { triggeredBy: `slack:${request.user_id}` });
    return ephemeral(
      `Triggered a tracked run of stack "${name}" at commit \`${escapeSlackText(run.commitHash.slice(0, 8))}\`: ${runUrl(deps.publicUrl, stack.id, run.id)}`,
    );
  } catch (error) {
    if (error instanceof ConflictError) {
      return ephemeral(`No run was triggered: ${escapeSlackText(error.message)}.`);
    }
    throw error;
  }
}

/** The command's channel, as subscribed to the stack. */
function channelOf(request: SlashCommand, stack: Stack) {
  return { stackId: stack.id, teamId: request.team_id, channelId: request.channel_id };
}

/** A date each reader sees in their own time zone. */
function slackDate(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${at.toISOString()}>`;
}
