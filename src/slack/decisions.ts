import { ConflictError, NotFoundError } from '../platform/errors';
import type { RunService } from '../runs/service';
import type { Stack } from '../stacks/service';
import type { SlackInput } from '../policy/evaluator';
import type { SlackIdentity } from './identities';
import { escapeSlackText } from './text';

export type Decision = 'confirm' | 'discard';

/**
 * Who a decision or a run from Slack is recorded as: the linked Gantry login, else the
 * person's Slack name marked as Slack's.
 */
export function slackActor(
  slack: SlackInput,
  identity: SlackIdentity | undefined,
  fallback: string,
): string {
  if (identity) return identity.login;
  return `${slack.user.display_name || slack.user.real_name || fallback} (Slack)`;
}

/** Who a run started from Slack is triggered by: the linked login, else the Slack user ID. */
export function slackTrigger(userId: string, identity: SlackIdentity | undefined): string {
  return identity ? identity.login : `slack:${userId}`;
}

/**
 * Takes a decision on a run, for a button or a typed command: whether it waits for a worker,
 * or, when it changed nothing, what to tell the person.
 */
export async function takeDecision(
  runs: RunService,
  stack: Stack,
  runId: string,
  decision: Decision,
  username: string,
): Promise<{ pending: boolean } | { refused: string }> {
  try {
    return await runs.decide(stack.id, runId, decision, username);
  } catch (error) {
    if (error instanceof NotFoundError) {
      return {
        refused: `Run ${escapeSlackText(runId)} of stack "${escapeSlackText(stack.id)}" does not exist; nothing was done.`,
      };
    }
    if (error instanceof ConflictError) {
      return {
        refused: `This run was already decided, so your ${decision} changed nothing: ${escapeSlackText(error.message)}.`,
      };
    }
    throw error;
  }
}
