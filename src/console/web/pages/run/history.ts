import type { RunStateTransition } from '../../api/schema.generated';

export type Transition = Pick<
  RunStateTransition,
  'state' | 'stateVersion' | 'timestamp' | 'until' | 'username' | 'note' | 'hasLogs' | 'terminal'
>;

/** The API lists a run's history newest first; people read it oldest first. */
export function chronological(history: readonly Transition[]): Transition[] {
  return [...history].reverse();
}

/** "PLANNING", or "PLANNING, again (2)" for a later visit to the same state. */
export function visitName(transition: Pick<Transition, 'state' | 'stateVersion'>): string {
  return transition.stateVersion === 0
    ? transition.state
    : `${transition.state}, again (${transition.stateVersion + 1})`;
}
