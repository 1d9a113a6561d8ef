import type { Database } from '../db/index';
import type { SecretBox } from '../platform/secrets';
import { attachedContexts, configOfAttachedContexts, ownConfigOfStack } from './store';
import type { ConfigElementRow } from './store';

/**
 * Variables Gantry sets for every run: a stack's or context's config may not set them, since
 * they point the tools at their binaries, their home and the state with the run's credentials.
 */
export function isReservedVariable(name: string): boolean {
  return name === 'PATH' || name === 'HOME' || /^(TF_HTTP_|GANTRY_|TF_VAR_gantry_)/.test(name);
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

/** The element's value, decrypted when it is write-only. Only runs may see these. */
export function revealValue(element: ConfigElementRow, box: SecretBox): string {
  if (element.value !== null) return element.value;
  return box.open(element.encryptedValue!);
}
