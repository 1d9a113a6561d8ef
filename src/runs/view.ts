import type { Database } from '../db';
import type { Stack } from '../stacks/service';
import { stacksByIds } from '../stacks/store';
import { lastDecisionOf, runForView } from './store';
import type { Delta, RunState, RunType } from './types';

/**
 * A run as the integrations show it (GitLab's status, note and deployment, Slack's message),
 * read whole from the database as it is now: events only say that something changed.
 */
export interface RunView {
  id: string;
  type: RunType;
  state: RunState;
  branch: string;
  /** `branch` is a tag's name: the run was started by its push. */
  isTag: boolean;
  commit: { hash: string; message: string; url: string };
  /** The command of a task. */
  command: string | null;
  delta: Delta | null;
  /** The GitLab merge request a proposed run reports to. */
  mergeRequestIid: number | null;
  /** Who confirmed or discarded the run, once someone has. */
  decision: { state: RunState.CONFIRMED | RunState.DISCARDED; username: string | null } | null;
  stack: {
    id: string;
    name: string;
    provider: Stack['provider'];
    repository: string;
  };
}

/** The run with its stack, or undefined once the run is gone. */
export async function readRunView(db: Database, runId: string): Promise<RunView | undefined> {
  const row = await runForView(db, runId);
  if (!row) return undefined;
  const { commitHash, commitMessage, commitUrl, stackId, ...run } = row;
  const [stack] = await stacksByIds(db, [stackId]);
  if (!stack) return undefined;
  const decided = await lastDecisionOf(db, runId);
  return {
    ...run,
    commit: { hash: commitHash, message: commitMessage, url: commitUrl },
    stack: {
      id: stack.id,
      name: stack.name,
      provider: stack.provider,
      repository: stack.repository,
    },
    decision: decided
      ? {
          state: decided.state as RunState.CONFIRMED | RunState.DISCARDED,
          username: decided.username,
        }
      : null,
  };
}

/** The plan's counts in one line: `+1 ~0 -2`. */
export function deltaText(delta: Delta): string {
  return `+${delta.addCount} ~${delta.changeCount} -${delta.deleteCount}`;
}
