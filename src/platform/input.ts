import slugify from 'slugify';
import { InvalidInputError } from './errors';

// Deeper than any request Gantry takes; past it, a request is refused rather than walked.
const MAX_DEPTH = 64;

/**
 * Why a parsed JSON body may not be used, or undefined: a NUL character in any string or key
 * (PostgreSQL keeps none in text or jsonb, so such input is refused as bad rather than failing
 * on storage), or nesting deeper than any request of Gantry's. Walked without recursion, so no
 * body can exhaust the stack.
 */
export function inputProblem(value: unknown): string | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: item, depth } = pending.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\0'))
        return 'it holds a NUL character (\\u0000), which no name, path or command may contain';
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (depth >= MAX_DEPTH) return `it is nested more than ${MAX_DEPTH} levels deep`;
    for (const [key, child] of Object.entries(item)) {
      if (key.includes('\0'))
        return 'it holds a NUL character (\\u0000), which no name, path or command may contain';
      pending.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The id a stack, context, policy or space gets from its name: lowercase words joined by dashes. */
export function slugOf(name: string): string {
  const slug = slugify(name, { lower: true, strict: true, trim: true });
  if (!slug) {
    throw new InvalidInputError(`name "${name}" has no letters or digits to make an id from`);
  }
  return slug;
}

/** A name as given, trimmed; `what` ("a space") is refused without one. */
export function requiredName(name: string, what: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new InvalidInputError(`${what} needs a name`);
  return trimmed;
}

/** Labels as given, each once; an empty one is refused. */
export function validLabels(labels: readonly string[]): string[] {
  if (labels.some((label) => !label.trim())) {
    throw new InvalidInputError('a label is empty; remove it');
  }
  return [...new Set(labels)];
}
