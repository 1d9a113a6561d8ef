import { StateBadge } from '../../components/StateBadge';
import { formatDuration, Time } from '../../components/Time';
import { chronological, type Transition } from './history';

/** The run's states, oldest first: who moved it there, when, for how long, and why. */
export function Timeline({ history }: { history: readonly Transition[] }) {
  return (
    <ol className="timeline">
      {chronological(history).map((transition) => (
        <li key={`${transition.state}/${transition.stateVersion}/${transition.timestamp}`}>
          <div className="timeline-head">
            <StateBadge state={transition.state} />
            <Time unix={transition.timestamp} />
          </div>
          <div className="muted small">
            {transition.username && <>by {transition.username}</>}
            {transition.username && transition.until !== null && ' · '}
            {transition.until !== null &&
              !transition.terminal &&
              formatDuration(transition.timestamp, transition.until)}
          </div>
          {transition.note && <p className="timeline-note">{transition.note}</p>}
        </li>
      ))}
    </ol>
  );
}
