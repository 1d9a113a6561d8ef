import { deltaText, type RunView } from '../runs/view';
import { RunState, RunType } from '../runs/types';
import type { GitLabCommitState, GitLabDeploymentStatus } from './api';

// A long plan would make a note nobody reads, and GitLab refuses notes over 1,000,000 characters.
const MAX_ADDRESSES_PER_LIST = 100;

const CANCELED_STATES: ReadonlySet<RunState> = new Set([
  RunState.DISCARDED,
  RunState.CANCELED,
  RunState.STOPPED,
]);

/** The commit status name of a stack: one status per stack on every commit it runs. */
export function commitStatusName(stackId: string): string {
  return `gantry/${stackId}`;
}

/**
 * The environment of a stack's tracked runs. The `gantry/` folder keeps Gantry's environments
 * apart from those a project's own CI deploys to, even for a stack called "production".
 */
export function environmentName(stackId: string): string {
  return `gantry/${stackId}`;
}

export function commitState(state: RunState): GitLabCommitState {
  if (state === RunState.QUEUED) return 'pending';
  if (state === RunState.FINISHED || state === RunState.PERFORMED) return 'success';
  if (state === RunState.FAILED) return 'failed';
  if (CANCELED_STATES.has(state)) return 'canceled';
  return 'running';
}

/**
 * The deployment status of a tracked run. A queued run has none yet: GitLab's API creates
 * deployments already running (or finished), so one appears when the run starts.
 */
export function deploymentStatus(state: RunState): GitLabDeploymentStatus | undefined {
  if (state === RunState.QUEUED) return undefined;
  const commit = commitState(state);
  return commit === 'pending' ? undefined : commit;
}

/** Orders statuses as a run moves: GitLab takes none of them backwards. */
export function progress(status: GitLabCommitState | GitLabDeploymentStatus): number {
  if (status === 'pending') return 0;
  if (status === 'running') return 1;
  return 2;
}

/**
 * The commit status's one line. GitLab keeps the description of a running status until the
 * next state, so a running one says no more than that.
 */
export function commitDescription(run: RunView): string {
  const state = commitState(run.state);
  if (state === 'pending') return 'queued';
  if (state === 'running') return 'running';
  const delta = run.delta ? ` ${deltaText(run.delta)}` : '';
  switch (run.state) {
    case RunState.FINISHED:
      if (!run.delta) return 'finished';
      return `${run.type === RunType.TRACKED ? 'applied' : 'planned'}${delta}`;
    case RunState.FAILED:
      return `failed${delta}`;
    default:
      return `${run.state.toLowerCase()}${delta}`;
  }
}

/** Marks the stack's note on a merge request, so Gantry can find it again. */
export function noteMarker(stackId: string): string {
  return `<!-- gantry:stack=${stackId} -->`;
}

/**
 * The stack's note on a merge request: the run's state, its delta and the addresses it
 * changes, with a link to the run at `url`.
 */
export function noteBody(run: RunView, url: string): string {
  const lines = [
    noteMarker(run.stack.id),
    `**Gantry** · stack **${markdownText(run.stack.name)}** · [run ${run.id}](${url}) on \`${run.commit.hash.slice(0, 8)}\``,
    '',
    `State: **${run.state}**${run.delta ? ` · plan \`${deltaText(run.delta)}\`` : ''}`,
  ];
  if (run.delta) {
    lines.push(
      ...addressList('To add', run.delta.addResources),
      ...addressList('To change', run.delta.changeResources),
      ...addressList('To delete', run.delta.deleteResources),
    );
  }
  return `${lines.join('\n')}\n`;
}

function addressList(title: string, addresses: string[]): string[] {
  if (addresses.length === 0) return [];
  const shown = addresses.slice(0, MAX_ADDRESSES_PER_LIST);
  const more = addresses.length - shown.length;
  return [
    '',
    `**${title} (${addresses.length})**`,
    '',
    ...shown.map((address) => `- \`${address.replaceAll('`', "'")}\``),
    ...(more > 0 ? [`- …and ${more} more`] : []),
  ];
}

// A stack name is the user's text; in the note it stays text, never markup.
function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (char) => `\\${char}`);
}
