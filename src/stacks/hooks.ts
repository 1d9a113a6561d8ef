import { InvalidInputError } from '../platform/errors';

/**
 * Hooks: commands a run's phases run before and after their tool, in the workspace, kept on
 * stacks and contexts and given to one run by its runtime config. Spacelift's names: the API
 * spells them in camelCase, the runtime config's YAML in snake_case.
 */
export const HOOK_NAMES = [
  'beforeInit',
  'afterInit',
  'beforePlan',
  'afterPlan',
  'beforeApply',
  'afterApply',
  'beforePerform',
  'afterPerform',
  'beforeDestroy',
  'afterDestroy',
  'afterRun',
] as const;

export type HookName = (typeof HOOK_NAMES)[number];

/** Every hook's commands, in the order they run. */
export type Hooks = Record<HookName, string[]>;

/** Hooks as they are given and stored: a missing list is an empty one. */
export type HookLists = Partial<Record<HookName, readonly string[] | null>>;

// Bounds on what one owner may store: a hook is a command line, not a script file.
const MAX_COMMANDS = 100;
const MAX_COMMAND_CHARS = 10_000;

/** The runtime config's name of a hook: `before_init` for beforeInit. */
export function yamlNameOf(hook: HookName): string {
  return hook.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** All eleven lists, a missing one empty. */
export function hooksOf(lists: HookLists | null | undefined): Hooks {
  return Object.fromEntries(HOOK_NAMES.map((name) => [name, [...(lists?.[name] ?? [])]])) as Hooks;
}

/**
 * The lists checked and complete, for storing. `where` names their owner in errors, such as
 * `stack "prod"`; `nameOf` spells a hook's name as the caller wrote it.
 */
export function validHooks(
  lists: HookLists,
  where: string,
  nameOf: (hook: HookName) => string = (hook) => hook,
): Hooks {
  const hooks = hooksOf(lists);
  for (const name of HOOK_NAMES) {
    const problem = commandsProblem(hooks[name]);
    if (problem) throw new InvalidInputError(`${nameOf(name)} of ${where}: ${problem}`);
  }
  return hooks;
}

function commandsProblem(commands: string[]): string | undefined {
  if (commands.length > MAX_COMMANDS) {
    return `${commands.length} commands, more than ${MAX_COMMANDS}; put them in a script of the repository and run that`;
  }
  for (const command of commands) {
    if (!command.trim()) return 'a command is empty; remove it';
    if (command.includes('\0')) return 'a command holds a NUL character; remove it';
    if (command.length > MAX_COMMAND_CHARS) {
      return `a command is longer than ${MAX_COMMAND_CHARS} characters; put it in a script of the repository and run that`;
    }
  }
  return undefined;
}
