import type { Database } from '../db/index';
import type { SecretBox } from '../platform/secrets';
import { HOOK_NAMES, hooksOf, type HookLists, type Hooks } from '../stacks/hooks';
import {
  attachedContexts,
  configOfAttachedContexts,
  hooksOfAttachedContexts,
  ownConfigOfStack,
} from './store';
import type { ConfigElementRow } from './store';

/**
 * Variables Gantry sets for every run: a stack's or context's config may not set them, since
 * they point the tools at their binaries, their home and the state with the run's credentials.
 */
export function isReservedVariable(name: string): boolean {
  return name === 'PATH' || name === 'HOME' || /^(TF_HTTP_|GANTRY_|TF_VAR_gantry_)/.test(name);
}

/** Why `name` cannot be a variable of a run's environment, or undefined when it can. */
export function variableNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return `"${name}" is not an environment variable name: use letters, digits and _, not starting with a digit`;
  }
  if (isReservedVariable(name)) {
    return `"${name}" is set by Gantry for every run (PATH, HOME, TF_HTTP_*, GANTRY_* and TF_VAR_gantry_*); choose another name`;
  }
  return undefined;
}

/** Where an element of a stack's runtime config comes from: the stack itself, or a context. */
export interface ConfigSource {
  attachmentId: string;
  contextId: string;
  contextName: string;
  priority: number;
}

export interface ResolvedElement {
  element: ConfigElementRow;
  source?: ConfigSource;
}

/**
 * A stack's runtime config: its own elements, then those of its contexts by priority. Where two
 * set the same element the stack wins, then the context with the lower priority number.
 */
export async function resolveRuntimeConfig(
  db: Database,
  stackId: string,
): Promise<ResolvedElement[]> {
  const attachments = await attachedContexts(db, stackId);

  const [own, fromContexts] = await Promise.all([
    ownConfigOfStack(db, stackId),
    attachments.length === 0
      ? Promise.resolve([])
      : configOfAttachedContexts(
          db,
          attachments.map((attachment) => attachment.contextId),
        ),
  ]);

  return mergeRuntimeConfig(own, attachments, fromContexts);
}

/**
 * Merges a stack's own elements with those of its attached contexts, `sources` ordered by
 * priority: the stack wins, then the context with the lower priority number.
 */
export function mergeRuntimeConfig(
  own: ConfigElementRow[],
  sources: ConfigSource[],
  fromContexts: ConfigElementRow[],
): ResolvedElement[] {
  const resolved = new Map<string, ResolvedElement>();
  for (const element of own) resolved.set(element.id, { element });
  for (const source of sources) {
    for (const element of fromContexts.filter((row) => row.contextId === source.contextId)) {
      if (!resolved.has(element.id)) resolved.set(element.id, { element, source });
    }
  }
  return [...resolved.values()].sort((a, b) => a.element.id.localeCompare(b.element.id));
}

/**
 * The hooks a run of the stack runs, with `runLists` (the run's runtime config) in place of the
 * stack's lists of the same names. See orderHooks.
 */
export async function resolveHooks(
  db: Database,
  stack: { id: string; hooks: HookLists },
  runLists: HookLists = {},
): Promise<Hooks> {
  const contexts = await hooksOfAttachedContexts(db, stack.id);
  const own = Object.fromEntries(
    HOOK_NAMES.map((name) => [name, runLists[name] ?? stack.hooks[name] ?? []]),
  );
  return orderHooks(
    own,
    contexts.map((context) => context.hooks),
  );
}

/**
 * Each hook's commands in the order they run, as Spacelift orders them: a before-hook runs the
 * attached contexts' commands by priority (`contexts` is in that order), then the stack's own;
 * an after-hook (and afterRun) the stack's own, then the contexts' in reverse priority.
 */
export function orderHooks(own: HookLists, contexts: HookLists[]): Hooks {
  const stackHooks = hooksOf(own);
  const contextHooks = contexts.map(hooksOf);
  return Object.fromEntries(
    HOOK_NAMES.map((name) => {
      const fromContexts = contextHooks.map((hooks) => hooks[name]);
      return [
        name,
        name.startsWith('before')
          ? [...fromContexts.flat(), ...stackHooks[name]]
          : [...stackHooks[name], ...fromContexts.reverse().flat()],
      ];
    }),
  ) as Hooks;
}

/** The element's value, decrypted when it is write-only. Only runs may see these. */
export function revealValue(element: ConfigElementRow, box: SecretBox): string {
  if (element.value !== null) return element.value;
  return box.open(element.encryptedValue!);
}
