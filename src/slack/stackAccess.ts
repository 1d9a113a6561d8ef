import { atLeast, type AccessLevel } from '../auth/access';
import type { PolicyAccess } from '../policy/access';
import type { SlackInput } from '../policy/evaluator';
import { type RunService } from '../runs/service';
import type { SlackIdentity } from './identities';
import { escapeSlackText } from './text';
import type { Stack } from '../stacks/service';
import { NotFoundError } from '../platform/errors';

/**
 * Which stacks a Slack request may see or change, by the stacks' access policies alone. A stack
 * that does not exist and one the request may not touch look the same from Slack, so nobody
 * learns which stacks exist by guessing IDs.
 */
export class SlackStackAccess {
  constructor(private readonly deps: { runs: RunService; access: PolicyAccess }) {}

  /** The stack when the request has at least `needed` on it; otherwise nothing. */
  async stack(
    stackId: string,
    slack: SlackInput,
    needed: Exclude<AccessLevel, 'none'>,
    identity?: SlackIdentity,
  ): Promise<Stack | undefined> {
    const stack = await this.deps.runs.stack(stackId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (!stack) return undefined;
    const level = await this.deps.access.forSlack(stack, slack, identity);
    return atLeast(level, needed) ? stack : undefined;
  }

  /** What a request is told when stack() gives it nothing, in Slack's mrkdwn. */
  static refusal(stackId: string, needed: Exclude<AccessLevel, 'none'>): string {
    return `Stack "${escapeSlackText(stackId)}" does not exist, or you may not ${needed === 'read' ? 'see' : 'change'} it from here. Check the stack ID; if it is right, ask a Gantry admin to attach a stack access policy that gives ${needed} access to this channel or to you.`;
  }
}
