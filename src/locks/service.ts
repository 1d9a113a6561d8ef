import type { Client } from '@temporalio/client';
import { ConflictError } from '../platform/errors';
import { setLockedBySignal, stackLockWorkflowId } from '../runs/contract';
import type { Stack, StackService } from '../stacks/service';

/**
 * A person's lock of a stack (stackLock/stackUnlock): while it is held only their runs start,
 * and runs already queued by others wait. It is stored with the stack, where the run service
 * reads it, and told to the stack's lock workflow, which hands the stack over only to them.
 */
export class StackLocks {
  constructor(private readonly deps: { stacks: StackService; client: Client }) {}

  /** Locks the stack for `username` alone; locking it again changes the note. */
  async lock(stackId: string, username: string, note?: string | null): Promise<Stack> {
    const stack = await this.deps.stacks.stack(stackId);
    if (stack.lockedBy && stack.lockedBy !== username) {
      throw new ConflictError(`stack "${stackId}" is already locked by ${stack.lockedBy}`);
    }
    return this.setLockedBy(stackId, username, note?.trim() || null);
  }

  /** Only the lock's owner, or an admin, unlocks. */
  async unlock(stackId: string, username: string, options: { admin: boolean }): Promise<Stack> {
    const stack = await this.deps.stacks.stack(stackId);
    if (!stack.lockedBy) return stack;
    if (stack.lockedBy !== username && !options.admin) {
      throw new ConflictError(
        `stack "${stackId}" is locked by ${stack.lockedBy}; only they or an admin can unlock it`,
      );
    }
    return this.setLockedBy(stackId, null);
  }

  private async setLockedBy(
    stackId: string,
    lockedBy: string | null,
    note: string | null = null,
  ): Promise<Stack> {
    const stack = await this.deps.stacks.setLockedBy(stackId, lockedBy, note);
    try {
      await this.deps.client.workflow
        .getHandle(stackLockWorkflowId(stackId))
        .signal(setLockedBySignal, { lockedBy });
    } catch {
      // No lock workflow yet: the first run that asks starts one with the stored lock.
    }
    return stack;
  }
}
