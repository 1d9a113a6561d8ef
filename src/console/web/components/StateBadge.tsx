const TONES: Record<string, string> = {
  FINISHED: 'success',
  PERFORMED: 'success',
  FAILED: 'danger',
  UNCONFIRMED: 'attention',
  QUEUED: 'waiting',
  INITIALIZING: 'active',
  PLANNING: 'active',
  CONFIRMED: 'active',
  APPLYING: 'active',
  PERFORMING: 'active',
};

/** A run's or stack's state, as its name: the colour only repeats what the text says. */
export function StateBadge({ state }: { state: string }) {
  return <span className={`badge badge-${TONES[state] ?? 'neutral'}`}>{state}</span>;
}
