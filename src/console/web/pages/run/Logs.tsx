import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { graphql, messageOf } from '../../api/graphql';
import { useSignInOnSessionEnd } from '../../api/routing';
import type { LogsResponse } from '../../api/schema.generated';
import { Empty } from '../../components/Notice';
import { chronological, visitName, type Transition } from './history';

// How often a phase that is still running is asked for new lines.
const FOLLOW_MS = 1000;
// After a failed read, the next try waits a little longer.
const RETRY_MS = 3000;
// Within this many pixels of the end, the box counts as scrolled to the end.
const AT_END_PX = 24;

type LogPage = Pick<LogsResponse, 'finished' | 'hasMore' | 'nextToken'> & {
  messages: Array<{ message: string }>;
};

const LOGS_QUERY = `query ConsoleRunLogs($stack: ID!, $run: ID!, $state: RunState!, $stateVersion: Int, $token: String) {
  stack(id: $stack) {
    run(id: $run) {
      logs(state: $state, stateVersion: $stateVersion, token: $token) {
        finished hasMore nextToken
        messages { message }
      }
    }
  }
}`;

async function readPage(
  stackId: string,
  runId: string,
  visit: Pick<Transition, 'state' | 'stateVersion'>,
  token: string | null,
): Promise<LogPage> {
  const answer = await graphql<{
    stack: { run: { logs: LogPage | null } | null } | null;
  }>(LOGS_QUERY, {
    stack: stackId,
    run: runId,
    state: visit.state,
    stateVersion: visit.stateVersion,
    token,
  });
  return (
    answer.stack?.run?.logs ?? { finished: true, hasMore: false, nextToken: token, messages: [] }
  );
}

/** One section per phase that has logs, in the order the run went through them. */
export function Logs({
  stackId,
  runId,
  history,
  runFinished,
}: {
  stackId: string;
  runId: string;
  history: readonly Transition[];
  runFinished: boolean;
}) {
  const phases = chronological(history).filter((transition) => transition.hasLogs);
  if (phases.length === 0) {
    return <Empty>No logs yet: they start once a worker takes the run.</Empty>;
  }
  return (
    <>
      {phases.map((transition) => (
        <PhaseLog
          key={`${transition.state}/${transition.stateVersion}`}
          stackId={stackId}
          runId={runId}
          transition={transition}
          live={!runFinished && transition.until === null}
        />
      ))}
    </>
  );
}

/**
 * A phase's log, read a page at a time and followed while the phase runs. Lines are only ever
 * appended, each page as its own element, so what was read never re-renders. The box has a
 * fixed height while it may grow, so the page below it does not move, and it keeps to the end
 * unless the reader scrolled up.
 */
function PhaseLog({
  stackId,
  runId,
  transition,
  live,
}: {
  stackId: string;
  runId: string;
  transition: Transition;
  live: boolean;
}) {
  const [pages, setPages] = useState<string[]>([]);
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // A phase that was running when the page opened keeps its fixed height after it ends.
  const [followed] = useState(live);
  const box = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  const signInAgain = useSignInOnSessionEnd();
  const headingId = useId();
  const { state, stateVersion } = transition;

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    let token: string | null = null;
    const read = async () => {
      try {
        const page = await readPage(stackId, runId, { state, stateVersion }, token);
        if (stopped) return;
        setProblem(null);
        token = page.nextToken ?? token;
        const text = page.messages.map((line) => line.message).join('');
        if (text) setPages((shown) => [...shown, text]);
        if (page.hasMore) {
          void read();
        } else if (page.finished) {
          setDone(true);
        } else {
          timer = window.setTimeout(() => void read(), FOLLOW_MS);
        }
      } catch (error) {
        if (stopped || signInAgain(error)) return;
        setProblem(`${messageOf(error)} Trying again…`);
        timer = window.setTimeout(() => void read(), RETRY_MS);
      }
    };
    void read();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [stackId, runId, state, stateVersion, signInAgain]);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && atEnd.current) element.scrollTop = element.scrollHeight;
  }, [pages]);

  const onScroll = () => {
    const element = box.current;
    if (!element) return;
    atEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < AT_END_PX;
  };

  const name = visitName(transition);
  return (
    <section className="phase-log" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {name}
        {!done && live && <span className="live-dot"> (live)</span>}
      </h3>
      <div
        ref={box}
        className={followed ? 'log log-fixed' : 'log'}
        role="log"
        // The lines stream too fast to be read aloud; the run's state changes are announced.
        aria-live="off"
        aria-label={`${name} log`}
        aria-busy={!done}
        tabIndex={0}
        onScroll={onScroll}
      >
        <pre>
          {pages.map((text, index) => (
            <span key={index}>{text}</span>
          ))}
        </pre>
        {pages.length === 0 && (
          <p className="log-empty">{done ? 'No output.' : 'Waiting for output…'}</p>
        )}
      </div>
      {problem && (
        <p className="log-problem" role="status">
          {problem}
        </p>
      )}
    </section>
  );
}
