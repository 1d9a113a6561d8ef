import type { Database } from '../db';
import type { Logger } from '../platform/logger';
import type { SlackInput } from '../policy/evaluator';
import type { RunService } from '../runs/service';
import type { Stack } from '../stacks/service';
import type { SlackReply } from './replies';
import type { SlackPeople } from './slackUser';
import type { SlackStackAccess } from './stackAccess';

/**
 * A command someone typed, after the slash command or in a direct message to the app: what
 * every subcommand works from, whichever way it came.
 */
export interface SlackRequest {
  /** What was typed after the slash command, or the whole direct message. */
  text: string;
  teamId: string;
  userId: string;
  /** Where it was typed; answers and subscriptions go there. */
  channel: { id: string; name: string };
}

/** What subcommands work with. */
export interface CommandDeps {
  db: Database;
  people: SlackPeople;
  stacks: SlackStackAccess;
  runs: RunService;
  /** The slash command as the Slack app registers it, such as `/gantry`. */
  command: string;
  publicUrl: string;
  /** SLACK_API_URL, for subcommands that call Slack themselves. */
  slackApiUrl: string;
  logger: Logger;
}

/** One subcommand's call: who asked, where, and the stack it names once access was judged. */
export interface CommandContext {
  deps: CommandDeps;
  request: SlackRequest;
  /** The policy input's `slack` section for the person who asked. */
  slack: SlackInput;
  /** The stack named, when the subcommand names one and the caller may use it. */
  stack: Stack;
  /** The words typed after the stack ID. */
  args: string[];
  log: Logger;
}

/** A subcommand of `/gantry`, as `help` lists it. */
export interface SlackCommand {
  name: string;
  /** What follows the name, such as `<stackId> [branch|tag|sha]`. */
  usage: string;
  /** One sentence: what it does. */
  summary: string;
  /** The access the stack's policies must give; every subcommand here names a stack. */
  needs: 'read' | 'write';
  run(context: CommandContext): Promise<SlackReply>;
}
