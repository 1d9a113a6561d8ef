import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLoaderData, useNavigate, type LoaderFunctionArgs } from 'react-router';
import { ApiError, graphql, messageOf } from '../../api/graphql';
import { loadOrSignIn, param, useSignInOnSessionEnd } from '../../api/routing';
import type { Commit, Run, Stack } from '../../api/schema.generated';
import { ActionFailed } from '../../components/Notice';
import { DeltaCounts, runPath, shortHash } from '../../components/RunTable';
import { useShell } from '../../components/Shell';
import { StateBadge } from '../../components/StateBadge';
import { Time } from '../../components/Time';
import { useAction } from '../../components/useAction';
import { DECISION_MUTATIONS, decisionsFor, temporalWorkflowUrl, type Decision } from './decisions';
import { chronological, type Transition } from './history';
import { Logs } from './Logs';
import { Plan } from './Plan';
import { Timeline } from './Timeline';

// How often a run that has not ended is read again.
const POLL_MS = 1500;

type RunView = Pick<
  Run,
  | 'id'
  | 'type'
  | 'state'
  | 'title'
  | 'branch'
  | 'command'
  | 'createdAt'
  | 'triggeredBy'
  | 'finished'
  | 'canRetry'
  | 'isPrioritized'
> & {
  commit: Pick<Commit, 'hash' | 'message' | 'authorName' | 'authorLogin' | 'url' | 'timestamp'>;
  delta: Pick<NonNullable<Run['delta']>, 'addCount' | 'changeCount' | 'deleteCount'> | null;
  history: Transition[];
};

interface RunData {
  stack: Pick<Stack, 'id' | 'name' | 'canWrite'>;
  run: RunView;
}

const RUN_QUERY = `query ConsoleRun($stack: ID!, $run: ID!) {
  stack(id: $stack) {
    id name canWrite
    run(id: $run) {
      id type state title branch command createdAt triggeredBy finished canRetry isPrioritized
      commit { hash message authorName authorLogin url timestamp }
      delta { addCount changeCount deleteCount }
      history { state stateVersion timestamp until username note hasLogs terminal }
    }
  }
}`;

async function fetchRun(stackId: string, runId: string): Promise<RunData> {
  const { stack } = await graphql<{
    stack: (RunData['stack'] & { run: RunView | null }) | null;
  }>(RUN_QUERY, { stack: stackId, run: runId });
  if (!stack) {
    throw new ApiError(
      `There is no stack "${stackId}" that you may read: check the address, or ask an admin to give one of your teams access.`,
      'NOT_FOUND',
    );
  }
  const { run, ...rest } = stack;
  if (!run) {
    throw new ApiError(
      `Stack "${stack.name}" has no run "${runId}": check the address, or find the run on the stack's page.`,
      'NOT_FOUND',
    );
  }
  return { stack: rest, run };
}

export function runLoader({ request, params }: LoaderFunctionArgs) {
  const stackId = param(params, 'stackId');
  const runId = param(params, 'runId');
  return loadOrSignIn(request, () => fetchRun(stackId, runId));
}

// States after which a plan is stored: waiting for a decision, applying it, or done planning.
const PLANNED_NEXT = new Set(['UNCONFIRMED', 'CONFIRMED', 'FINISHED']);

/** How many plans the run has stored: each PLANNING it left for a state that follows a plan. */
function plansMade(history: readonly Transition[]): number {
  const inOrder = chronological(history);
  return inOrder.filter(
    (transition, index) =>
      transition.state === 'PLANNING' && PLANNED_NEXT.has(inOrder[index + 1]?.state ?? ''),
  ).length;
}

/** The run page: the URL GitLab, Slack and every other integration link to. */
export function RunPage() {
  const data = useLoaderData<RunData>();
  // A new run (after Retry) starts from its own data, not the last run's.
  return <LiveRun key={`${data.stack.id}/${data.run.id}`} initial={data} />;
}

/**
 * Reads the run again and again until it has ended, so its state, history and buttons follow
 * it with no reload. Answers are applied in the order they were asked for.
 */
function useLiveRun(initial: RunData) {
  const [data, setData] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const signInAgain = useSignInOnSessionEnd();
  const asked = useRef(0);
  const applied = useRef(0);
  const lastState = useRef(initial.run.state);
  const stackId = initial.stack.id;
  const runId = initial.run.id;

  const refresh = useCallback(async () => {
    const number = ++asked.current;
    try {
      const next = await fetchRun(stackId, runId);
      if (number < applied.current) return;
      applied.current = number;
      setProblem(null);
      setData(next);
      if (next.run.state !== lastState.current) {
        lastState.current = next.run.state;
        setAnnouncement(`The run is ${next.run.state}.`);
      }
    } catch (error) {
      if (!signInAgain(error)) {
        setProblem(`${messageOf(error)} The page keeps trying.`);
      }
    }
  }, [stackId, runId, signInAgain]);

  const finished = data.run.finished;
  useEffect(() => {
    if (finished) return;
    let stopped = false;
    let timer: number | undefined;
    const tick = async () => {
      await refresh();
      if (!stopped) timer = window.setTimeout(() => void tick(), POLL_MS);
    };
    timer = window.setTimeout(() => void tick(), POLL_MS);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [finished, refresh]);

  return { data, problem, announcement, refresh };
}

function LiveRun({ initial }: { initial: RunData }) {
  const { data, problem, announcement, refresh } = useLiveRun(initial);
  const { stack, run } = data;
  const { config } = useShell();
  const planVersion = plansMade(run.history);
  const planning = !run.finished && ['QUEUED', 'INITIALIZING', 'PLANNING'].includes(run.state);

  return (
    <article className="page" aria-labelledby="run-title">
      <title>{`${run.title || run.id} · ${stack.name} · Gantry`}</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Stacks</Link>
          </li>
          <li>
            <Link to={`/stack/${encodeURIComponent(stack.id)}`}>{stack.name}</Link>
          </li>
          <li aria-current="page">Run {run.id}</li>
        </ol>
      </nav>
      <header className="page-header run-header">
        <div>
          <p className="eyebrow">
            {run.type === 'TASK'
              ? 'Task'
              : run.type === 'PROPOSED'
                ? 'Proposed run'
                : 'Tracked run'}
            {run.isPrioritized && <span className="mark mark-priority">Prioritized</span>}
          </p>
          <h1 id="run-title">{run.title || run.id}</h1>
          <p className="subtitle">
            <StateBadge state={run.state} /> <DeltaCounts delta={run.delta} />
          </p>
        </div>
        {stack.canWrite && (
          <RunActions stackId={stack.id} run={run} onDecided={() => void refresh()} />
        )}
      </header>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {problem && (
        <p className="connection-problem" role="status">
          {problem}
        </p>
      )}

      <div className="run-layout">
        <div className="run-main">
          {run.type !== 'TASK' && (
            <section aria-labelledby="plan-title" className="section">
              <h2 id="plan-title">Plan</h2>
              <Plan
                stackId={stack.id}
                runId={run.id}
                planVersion={planVersion}
                planning={planning}
              />
            </section>
          )}
          <section aria-labelledby="logs-title" className="section">
            <h2 id="logs-title">Logs</h2>
            <Logs
              stackId={stack.id}
              runId={run.id}
              history={run.history}
              runFinished={run.finished}
            />
          </section>
        </div>
        <aside className="run-aside" aria-label="About the run">
          <section aria-labelledby="details-title" className="section">
            <h2 id="details-title">Details</h2>
            <dl className="facts facts-stacked">
              {run.command && (
                <div>
                  <dt>Command</dt>
                  <dd>
                    <code>{run.command}</code>
                  </dd>
                </div>
              )}
              <div>
                <dt>Commit</dt>
                <dd>
                  {run.commit.url ? (
                    <a href={run.commit.url} title={run.commit.hash}>
                      <code>{shortHash(run.commit.hash)}</code>
                    </a>
                  ) : (
                    <code title={run.commit.hash}>{shortHash(run.commit.hash)}</code>
                  )}{' '}
                  {run.commit.message}
                  <div className="muted small">
                    by {run.commit.authorName}
                    {run.commit.authorLogin ? ` (${run.commit.authorLogin})` : ''}
                    {run.commit.timestamp > 0 && (
                      <>
                        , <Time unix={run.commit.timestamp} />
                      </>
                    )}
                  </div>
                </dd>
              </div>
              <div>
                <dt>Branch</dt>
                <dd>
                  <code>{run.branch}</code>
                </dd>
              </div>
              <div>
                <dt>Created</dt>
                <dd>
                  <Time unix={run.createdAt} />
                  {run.triggeredBy && <> by {run.triggeredBy}</>}
                </dd>
              </div>
              {config.temporalUiUrl && (
                <div>
                  <dt>Workflow</dt>
                  <dd>
                    <a href={temporalWorkflowUrl(config.temporalUiUrl, stack.id, run.id)}>
                      Workflow in Temporal
                    </a>
                  </dd>
                </div>
              )}
            </dl>
          </section>
          <section aria-labelledby="timeline-title" className="section">
            <h2 id="timeline-title">Timeline</h2>
            <Timeline history={run.history} />
          </section>
        </aside>
      </div>
    </article>
  );
}

/** The decisions the run takes now, for those who may write to its stack. */
function RunActions({
  stackId,
  run,
  onDecided,
}: {
  stackId: string;
  run: RunView;
  onDecided: () => void;
}) {
  const action = useAction();
  const navigate = useNavigate();
  const decisions = decisionsFor(run);
  if (decisions.length === 0 && !action.error) return null;

  const decide = (decision: Decision) =>
    action.run(decision, async () => {
      const { decided } = await graphql<{ decided: { id: string; state: string } }>(
        DECISION_MUTATIONS[decision],
        { stack: stackId, run: run.id },
      );
      if (decision === 'Retry') {
        await navigate(runPath(stackId, decided.id));
        return;
      }
      onDecided();
    });

  return (
    <div className="run-actions">
      <div className="action-row">
        {decisions.map((decision) => (
          <button
            key={decision}
            type="button"
            className={`button ${decision === 'Confirm' ? 'button-primary' : ''} ${decision === 'Discard' || decision === 'Stop' ? 'button-danger' : ''}`}
            disabled={action.pending !== null}
            onClick={() => void decide(decision)}
          >
            {decision}
          </button>
        ))}
      </div>
      {action.pending && (
        <p role="status" className="muted small">
          {action.pending}…
        </p>
      )}
      {action.error && <ActionFailed error={action.error} />}
    </div>
  );
}
