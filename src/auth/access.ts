import type { Viewer } from './viewer';
import type { Stack } from '../stacks/service';

export type AccessLevel = 'none' | 'read' | 'write';

const RANK: Record<AccessLevel, number> = { none: 0, read: 1, write: 2 };

/** Whether `level` gives at least what `needed` asks for. */
export function atLeast(level: AccessLevel, needed: AccessLevel): boolean {
  return RANK[level] >= RANK[needed];
}

/** The more of two levels. */
export function higherOf(a: AccessLevel, b: AccessLevel): AccessLevel {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Where stack access policies add grants and denials to what teams give. Given what the
 * viewer's teams allow, it answers what the viewer may do.
 */
export interface StackAccessPolicy {
  decide(viewer: Viewer, stack: Stack, fromTeams: AccessLevel): Promise<AccessLevel>;
}

/** Teams alone decide: the default until policies are attached. */
export const TEAMS_ONLY: StackAccessPolicy = {
  decide: (_viewer, _stack, fromTeams) => Promise.resolve(fromTeams),
};

/** What the stack's writers and readers teams give the viewer. */
export function accessFromTeams(viewer: Viewer, stack: Stack): AccessLevel {
  if (stack.writersSlug && viewer.teams.includes(stack.writersSlug)) return 'write';
  if (stack.readersSlug && viewer.teams.includes(stack.readersSlug)) return 'read';
  return 'none';
}

/**
 * One request's view of what the viewer may do with each stack: admins everything, others what
 * their teams and the stack's policies give. Decisions are kept for the request. Whether the
 * viewer is an admin of a stack is `isAdmin`'s to say: the API passes its one admin check
 * (src/api/graphql/guard.ts), which limits a run's token to its stack's space.
 */
export class StackAccess {
  private readonly decided = new Map<string, Promise<AccessLevel>>();

  constructor(
    readonly viewer: Viewer,
    private readonly policy: StackAccessPolicy = TEAMS_ONLY,
    private readonly isAdmin: (stack: Stack) => boolean = () => viewer.admin,
  ) {}

  level(stack: Stack): Promise<AccessLevel> {
    if (this.isAdmin(stack)) return Promise.resolve('write');
    let level = this.decided.get(stack.id);
    if (!level) {
      level = this.policy.decide(this.viewer, stack, accessFromTeams(this.viewer, stack));
      this.decided.set(stack.id, level);
    }
    return level;
  }

  async canRead(stack: Stack): Promise<boolean> {
    return (await this.level(stack)) !== 'none';
  }

  async canWrite(stack: Stack): Promise<boolean> {
    return (await this.level(stack)) === 'write';
  }
}
