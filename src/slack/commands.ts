import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../platform/logger';
import type { SlackInput } from '../policy/evaluator';
import type { CommandDeps, SlackCommand, SlackRequest } from './command';
import type { SlackFollowUps } from './followUps';
import { ephemeral, type SlackReply } from './replies';
import { RUN_COMMANDS } from './runCommands';
import { NOT_INSTALLED, NotInstalledError } from './slackUser';
import { SlackStackAccess } from './stackAccess';
import { SUBSCRIPTION_COMMANDS } from './subscriptionCommands';
import { IDENTITY_COMMANDS, linkPrompt } from './identityCommands';
import { escapeSlackText } from './text';

export type { CommandDeps } from './command';

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

/** Every subcommand, in the order `help` lists them. */
const COMMANDS: SlackCommand[] = [...RUN_COMMANDS, ...SUBSCRIPTION_COMMANDS, ...IDENTITY_COMMANDS];
const BY_NAME = new Map(COMMANDS.map((command) => [command.name, command]));

/**
 * POST /slack/commands, behind verifySlackRequest: the slash command. Slack is answered at
 * once with an empty 200, as Slack's own Bolt framework acknowledges, and the reply follows at
 * the command's response_url (see SlackFollowUps).
 */
export function slackCommandsHandler(
  deps: CommandDeps & { followUps: SlackFollowUps },
): RequestHandler {
  const logger = deps.logger.child({ component: 'slack-commands' });
  return (req, res) => {
    const parsed = slashCommand.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'the body is not a Slack slash command' });
      return;
    }
    res.status(200).end();
    const command = parsed.data;
    const request: SlackRequest = {
      text: command.text,
      teamId: command.team_id,
      userId: command.user_id,
      channel: { id: command.channel_id, name: command.channel_name },
    };
    const typed = `${command.command} ${command.text}`;
    const named = {
      team: request.teamId,
      user: request.userId,
      channel: request.channel.id,
      command: loggable(typed),
    };
    deps.followUps.start({
      responseUrl: command.response_url,
      request: named,
      work: () => answerCommand(deps, request, typed, logger.child(named)),
      notRun: ephemeral(
        `Gantry was stopping and did not run \`${escapeSlackText(typed)}\`. Run it again in a minute.`,
      ),
    });
  };
}

/**
 * A command as the log may keep it: a link code is a credential for a few minutes, so what
 * follows `link` is left out.
 */
export function loggable(typed: string): string {
  return typed.replace(/((?:^|\s)link\s+)\S.*$/i, '$1[code left out]');
}

/**
 * Runs one command, however it came (the slash command, a direct message), and answers it;
 * its failures are answers too. Every subcommand but help is judged by the stack's access
 * policies; a stack the caller may not use and one that does not exist get the same answer.
 */
export async function answerCommand(
  deps: CommandDeps,
  request: SlackRequest,
  typed: string,
  log: Logger,
): Promise<SlackReply> {
  try {
    return await dispatch(deps, request, log);
  } catch (error) {
    log.error({ err: error }, 'slack command failed');
    return ephemeral(
      `Gantry hit an error running \`${escapeSlackText(typed)}\`: ${escapeSlackText((error as Error).message)}. Try again; if it keeps happening, tell your Gantry admin.`,
    );
  }
}

async function dispatch(deps: CommandDeps, request: SlackRequest, log: Logger) {
  const [name = 'help', stackId, ...args] = request.text.trim().split(/\s+/).filter(Boolean);
  let slack: SlackInput;
  try {
    slack = await deps.people.input({
      command: request.text,
      teamId: request.teamId,
      userId: request.userId,
      channel: request.channel,
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
  const command = BY_NAME.get(name);
  if (!command) return ephemeral(help(deps.command));
  const identity = await deps.identities.of(request.teamId, request.userId);
  if (command.identity === 'required' && !identity) {
    return linkPrompt(deps, `\`${deps.command} ${command.name}\` acts as you`);
  }
  const context = { deps, request, slack, identity, log };
  const words = [stackId, ...args].filter((word): word is string => word !== undefined);
  if (command.stack === 'none') return command.run({ ...context, stack: undefined, args: words });
  const named = stackId !== undefined && !stackId.startsWith('--') ? stackId : undefined;
  if (!named) {
    if (command.stack === 'optional') {
      return command.run({ ...context, stack: undefined, args: words });
    }
    return ephemeral(
      escapeSlackText(`Name the stack: \`${deps.command} ${command.name} ${command.usage}\`.`),
    );
  }
  const needs = command.needs ?? 'read';
  const stack = await deps.stacks.stack(named, slack, needs, identity);
  if (!stack) {
    log.info(
      { stackId: named, needed: needs },
      'slack command refused: no such stack, or its policies do not allow',
    );
    return ephemeral(SlackStackAccess.refusal(named, needs));
  }
  return command.run({ ...context, stack, args });
}

function help(command: string): string {
  const lines = [
    ...COMMANDS.map(
      (each) =>
        `\`${command} ${each.name}${each.usage ? ` ${each.usage}` : ''}\`: ${each.summary}${each.needs ? ` (needs ${each.needs})` : ''}.`,
    ),
    `\`${command} help\`: this list.`,
    'Access comes from the stack access policies attached to each stack; ask a Gantry admin for one that lets this channel in.',
  ];
  return escapeSlackText(lines.join('\n'));
}
