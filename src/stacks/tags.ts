import picomatch from 'picomatch';

/**
 * A stack's `trackTags`: a glob of the tag names whose pushes start its tracked runs. Globs
 * match as git's refs read, `/` being a separator: `v*` matches `v1.2.0`, not `v1/rc`;
 * `release/**` matches every tag under `release/`.
 */

// Brackets, braces and parentheses left open would otherwise match themselves silently.
const GLOB_OPTIONS = { strictBrackets: true } as const;
// Git's own limit on a ref's name is far longer; a pattern this long is a mistake.
const MAX_PATTERN_LENGTH = 255;

/** Why `pattern` is no tag glob, as its author is told; undefined if it is one. */
export function tagPatternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `trackTags is longer than ${MAX_PATTERN_LENGTH} characters; give a glob of tag names such as "v*"`;
  }
  try {
    picomatch(pattern, GLOB_OPTIONS);
    return undefined;
  } catch (error) {
    return `trackTags "${pattern}" is not a glob: ${(error as Error).message}; give a glob of tag names such as "v*"`;
  }
}

/** Whether a stack with `trackTags` runs at a push of `tag` (a name, without `refs/tags/`). */
export function tracksTag(trackTags: string | null, tag: string): boolean {
  if (!trackTags) return false;
  return picomatch(trackTags, GLOB_OPTIONS)(tag);
}
