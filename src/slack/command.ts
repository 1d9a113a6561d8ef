import type { Database } from '../db';
import type { Logger } from '../platform/logger';
import type { SlackInput } from '../policy/evaluator';
import type { RunService } from '../runs/service';
import type { Stack } from '../stacks/service';
import type { SlackIdentities, SlackIdentity } from './identities';
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
  identities: SlackIdentities;
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
  /** The Gantry identity the person linked (`/gantry link`), if they did. */
  identity: SlackIdentity | undefined;
  /** The stack named, once the caller was judged to have the access the subcommand needs. */
  stack: Stack;
  /** The words typed after the stack ID. */
  args: string[];
  log: Logger;
}

/** The call of a subcommand that names no stack, or may not: its words are all arguments. */
export interface FreeContext extends Omit<CommandContext, 'stack'> {
  /** The stack named first, when the subcommand takes one and one was named (and allowed). */
  stack: Stack | undefined;
}

interface Described {
  name: string;
  /** What follows the name, such as `<stackId> [branch|tag|sha]`. */
  usage: string;
  /** One sentence: what it does. */
  summary: string;
  /**
   * Whether the person must have linked a Gantry identity first: the answer is then the
   * button that links one, whatever stack was named.
   */
  identity?: 'required';
}

/** A subcommand of `/gantry` that acts on the stack it names first. */
export interface StackCommand extends Described {
  stack: 'required';
  /** The access the stack's policies must give. */
  needs: 'read' | 'write';
  run(context: CommandContext): SlackReply | Promise<SlackReply>;
}

/**
 * A subcommand that names no stack (`none`: every word is an argument), or may name one first
 * (`optional`: a first word that is not an option is the stack, judged for `needs`).
 */
export interface FreeCommand extends Described {
  stack: 'none' | 'optional';
  needs?: 'read' | 'write';
  run(context: FreeContext): SlackReply | Promise<SlackReply>;
}

export type SlackCommand = StackCommand | FreeCommand;
