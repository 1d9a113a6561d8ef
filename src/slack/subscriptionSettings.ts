import { minimatch } from 'minimatch';
import { InvalidInputError } from '../platform/errors';
import { RunState, RunType } from '../runs/types';

/**
 * What a subscription hears, as GitLab's Slack notification settings choose it for pipelines:
 * which run states post a message, whether only failures do, which branches and which types.
 * The defaults hear every state of every run, as every subscription did before settings.
 */
export interface SubscriptionSettings {
  /** The states that post a message; empty for every state. */
  events: RunState[];
  /** Only FAILED runs post a message; `events` is then not used. */
  onlyFailures: boolean;
  /** `all`, `default` (the stack's tracked branch), or a glob such as `release/*`. */
  branches: string;
  /** The run types that post a message; empty for every type. */
  types: RunType[];
}

export const DEFAULT_SETTINGS: SubscriptionSettings = {
  events: [],
  onlyFailures: false,
  branches: 'all',
  types: [],
};

/** The words `--types` takes, as people say them; `tasks` because a task is not a run. */
const TYPE_WORDS: Record<string, RunType> = {
  tracked: RunType.TRACKED,
  proposed: RunType.PROPOSED,
  tasks: RunType.TASK,
};
const WORD_OF_TYPE = Object.fromEntries(
  Object.entries(TYPE_WORDS).map(([word, type]) => [type, word]),
) as Record<RunType, string>;

const STATE_WORDS = Object.values(RunState).map((state) => state.toLowerCase());

// A branch name is at most 255 bytes in Git hosting; a longer pattern is a mistake.
const MAX_BRANCH_PATTERN = 255;
const BRANCH_PATTERN = /^[A-Za-z0-9._/*?[\]{},!+-]+$/;

/** The settings a command or a mutation changes; what it leaves out stays as it was. */
export type SettingsChange = Partial<SubscriptionSettings>;

/** Applies a change to settings; giving events turns only-failures off, and the other way round. */
export function changeSettings(
  current: SubscriptionSettings,
  change: SettingsChange,
): SubscriptionSettings {
  const next = { ...current, ...definedOf(change) };
  if (change.events !== undefined && change.onlyFailures === undefined) next.onlyFailures = false;
  if (change.onlyFailures === true && change.events === undefined) next.events = [];
  return next;
}

function definedOf(change: SettingsChange): SettingsChange {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
}

/**
 * Checks a change as both the command and GraphQL take it: only-failures with events says two
 * things at once, and a branch pattern must be one.
 */
export function checkSettingsChange(change: SettingsChange): SettingsChange {
  if (change.onlyFailures === true && change.events !== undefined && change.events.length > 0) {
    throw new InvalidInputError(
      'only-failures already chooses the events (failed runs only); give either events or only-failures, not both',
    );
  }
  if (change.branches !== undefined) {
    const branches = change.branches.trim();
    // Branch names' usual characters and the glob's: the pattern is shown back in Slack
    // messages, where `<`, `>` and `&` are markup and a pasted mention would ping.
    if (!BRANCH_PATTERN.test(branches) || branches.length > MAX_BRANCH_PATTERN) {
      throw new InvalidInputError(
        `branches must be "default" (the stack's branch), "all", or one glob such as "release/*" of letters, digits, . _ - / and the glob characters * ? [ ] { } , !, at most ${MAX_BRANCH_PATTERN} characters`,
      );
    }
    return { ...change, branches, events: unique(change.events), types: unique(change.types) };
  }
  return { ...change, events: unique(change.events), types: unique(change.types) };
}

function unique<T>(values: T[] | undefined): T[] | undefined {
  return values === undefined ? undefined : [...new Set(values)];
}

/** What `to` is for `--to me`: the person who asks, whose member ID the command knows. */
export const SELF = 'me';

/** A subscription command's words after the stack: its settings, and `--to` a person. */
export interface SubscribeOptions {
  change: SettingsChange;
  /** The member ID given with `--to`, or SELF for `--to me`. */
  to: string | undefined;
}

/**
 * Reads `--events a,b`, `--only-failures`, `--branches x`, `--types a,b` and `--to me|<@U…>`
 * (also as `--flag=value`); InvalidInputError saying the words allowed for anything else.
 */
export function parseSubscribeOptions(words: string[]): SubscribeOptions {
  const change: SettingsChange = {};
  let to: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const [flag, inline] = word.startsWith('--') ? splitOnce(word, '=') : [word, undefined];
    if (flag === '--only-failures') {
      if (inline !== undefined) {
        throw new InvalidInputError(
          '--only-failures takes no value; leave it out to hear every outcome',
        );
      }
      change.onlyFailures = true;
      continue;
    }
    if (!['--events', '--branches', '--types', '--to'].includes(flag)) {
      throw new InvalidInputError(
        `"${word}" is not an option; the options are --events, --only-failures, --branches, --types and --to`,
      );
    }
    const value = inline ?? words[++i];
    if (value === undefined || value.startsWith('--')) {
      throw new InvalidInputError(`${flag} needs a value, such as ${EXAMPLES[flag]}`);
    }
    if (flag === '--events') change.events = parseEvents(value);
    else if (flag === '--types') change.types = parseTypes(value);
    else if (flag === '--branches') change.branches = value;
    else to = parseMember(value);
  }
  return { change: checkSettingsChange(change), to };
}

const EXAMPLES: Record<string, string> = {
  '--events': '`--events unconfirmed,finished,failed`',
  '--branches': '`--branches default`, `--branches all` or `--branches release/*`',
  '--types': '`--types tracked,proposed`',
  '--to': '`--to me`',
};

function splitOnce(word: string, separator: string): [string, string | undefined] {
  const at = word.indexOf(separator);
  return at < 0 ? [word, undefined] : [word.slice(0, at), word.slice(at + 1)];
}

function listOf(value: string): string[] {
  return value
    .toLowerCase()
    .split(',')
    .map((word) => word.trim())
    .filter(Boolean);
}

function parseEvents(value: string): RunState[] {
  const words = listOf(value);
  if (words.includes('all')) return [];
  const unknown = words.filter((word) => !STATE_WORDS.includes(word));
  if (unknown.length > 0 || words.length === 0) {
    throw new InvalidInputError(
      `${unknown.length > 0 ? `"${unknown.join(', ')}" ${unknown.length > 1 ? 'are not run states' : 'is not a run state'}` : '--events names no state'}; --events takes "all" or a comma-separated list of ${STATE_WORDS.join(', ')}`,
    );
  }
  return words.map((word) => word.toUpperCase() as RunState);
}

function parseTypes(value: string): RunType[] {
  const words = listOf(value);
  if (words.includes('all')) return [];
  const unknown = words.filter((word) => !(word in TYPE_WORDS));
  if (unknown.length > 0 || words.length === 0) {
    throw new InvalidInputError(
      `${unknown.length > 0 ? `"${unknown.join(', ')}" ${unknown.length > 1 ? 'are not run types' : 'is not a run type'}` : '--types names no type'}; --types takes "all" or a comma-separated list of ${Object.keys(TYPE_WORDS).join(', ')}`,
    );
  }
  return words.map((word) => TYPE_WORDS[word]!);
}

/**
 * The member ID of `--to`, or SELF. Slack sends a mention in a command's text as `<@U123|name>` when the
 * command escapes users (its "Escape channels, users, and links" setting), otherwise as the
 * bare `@name` it cannot be resolved from; a member ID typed as it is works either way.
 */
function parseMember(value: string): string {
  if (value.toLowerCase() === SELF) return SELF;
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(value);
  if (mention) return mention[1]!;
  if (/^[UW][A-Z0-9]{2,}$/.test(value)) return value;
  throw new InvalidInputError(
    `"${value}" is not a person Slack named: say \`--to me\`, mention yourself (\`--to @ada\`) with "Escape channels, users, and links" turned on in the slash command's settings of the Slack app, or give your member ID (\`--to U0123ABCD\`, from your profile's "Copy member ID")`,
  );
}

/** The settings in words, as replies and messages show them. */
export function describeSettings(settings: SubscriptionSettings): string {
  const states = settings.onlyFailures
    ? 'failed runs only'
    : settings.events.length === 0
      ? 'every state'
      : `states ${settings.events.map((state) => state.toLowerCase()).join(', ')}`;
  const types =
    settings.types.length === 0
      ? 'every type'
      : `types ${settings.types.map((type) => WORD_OF_TYPE[type]).join(', ')}`;
  const branches =
    settings.branches === 'all'
      ? 'every branch'
      : settings.branches === 'default'
        ? "the stack's branch"
        : `branches matching \`${settings.branches}\``;
  return `${states}; ${types}; ${branches}`;
}

/** What of a run a subscription judges: its type, its branch, and a state it reached. */
export interface HeardRun {
  type: RunType;
  branch: string;
  state: RunState;
  /** The branch the stack tracks, for `default`. */
  stackBranch: string;
}

/** Whether the run reaching this state posts a message under these settings. */
export function hears(settings: SubscriptionSettings, run: HeardRun): boolean {
  if (settings.types.length > 0 && !settings.types.includes(run.type)) return false;
  if (!branchMatches(settings.branches, run.branch, run.stackBranch)) return false;
  if (settings.onlyFailures) return run.state === RunState.FAILED;
  return settings.events.length === 0 || settings.events.includes(run.state);
}

function branchMatches(branches: string, branch: string, stackBranch: string): boolean {
  if (branches === 'all') return true;
  if (branches === 'default') return branch === stackBranch;
  return minimatch(branch, branches);
}
