import { useId, useState, type FormEvent } from 'react';
import {
  Link,
  useLoaderData,
  useNavigate,
  useRevalidator,
  type LoaderFunctionArgs,
} from 'react-router';
import { ApiError, graphql } from '../api/graphql';
import { loadOrSignIn, param } from '../api/routing';
import type {
  Commit,
  Stack,
  StackContextAttachment,
  StackOutput,
  StackPolicyAttachment,
} from '../api/schema.generated';
import { ConfigTable, type ConfigEntry } from '../components/ConfigTable';
import { Labels } from '../components/Labels';
import { ActionFailed, Empty } from '../components/Notice';
import {
  RUN_ROW_FRAGMENT,
  RunTable,
  runPath,
  shortHash,
  type RunRow,
} from '../components/RunTable';
import { useShell } from '../components/Shell';
import { StackMarks } from '../components/StackMarks';
import { StateBadge } from '../components/StateBadge';
import { PagedRuns } from '../components/PagedRuns';
import { useAction } from '../components/useAction';
import { formText } from '../components/formText';

type StackView = Pick<
  Stack,
  | 'id'
  | 'name'
  | 'description'
  | 'state'
  | 'branch'
  | 'repository'
  | 'repositoryURL'
  | 'provider'
  | 'projectRoot'
  | 'labels'
  | 'canWrite'
  | 'isDisabled'
  | 'deleting'
  | 'lockedBy'
  | 'lockNote'
  | 'autodeploy'
  | 'trackTags'
  | 'administrative'
  | 'terraformVersion'
> & {
  spaceDetails: Pick<Stack['spaceDetails'], 'id' | 'name'>;
  workerPool: { name: string } | null;
  trackedCommit: Pick<Commit, 'hash' | 'message' | 'url'> | null;
  blocker: RunRow | null;
  runs: RunRow[];
  proposedRuns: RunRow[];
  tasks: RunRow[];
  config: ConfigEntry[];
  attachedContexts: Array<
    Pick<StackContextAttachment, 'id' | 'contextId' | 'contextName' | 'priority'>
  >;
  attachedPolicies: Array<Pick<StackPolicyAttachment, 'id' | 'policyId' | 'policyName'>>;
  outputs: Array<Pick<StackOutput, 'id' | 'sensitive' | 'value'>>;
};

const STACK_QUERY = `query ConsoleStack($id: ID!) {
  stack(id: $id) {
    id name description state branch repository repositoryURL provider projectRoot labels
    canWrite isDisabled deleting lockedBy lockNote autodeploy trackTags administrative
    terraformVersion
    spaceDetails { id name }
    workerPool { name }
    trackedCommit { hash message url }
    blocker { ...ConsoleRunRow }
    runs { ...ConsoleRunRow }
    proposedRuns { ...ConsoleRunRow }
    tasks { ...ConsoleRunRow }
    config { id type value writeOnly description }
    attachedContexts { id contextId contextName priority }
    attachedPolicies { id policyId policyName }
    outputs { id sensitive value }
  }
}
${RUN_ROW_FRAGMENT}`;

export function stackLoader({ request, params }: LoaderFunctionArgs) {
  const id = param(params, 'stackId');
  return loadOrSignIn(request, async () => {
    const { stack } = await graphql<{ stack: StackView | null }>(STACK_QUERY, { id });
    if (!stack) {
      throw new ApiError(
        `There is no stack "${id}" that you may read: check the address, or ask an admin to give one of your teams access.`,
        'NOT_FOUND',
      );
    }
    return stack;
  });
}

/**
 * Runs waiting in QUEUED, in the order the stack's lock takes them: prioritized runs first,
 * then the oldest. Proposed runs never wait for the lock, only for a worker.
 */
function queueOf(stack: StackView): RunRow[] {
  return [...stack.runs, ...stack.tasks, ...stack.proposedRuns]
    .filter((run) => run.state === 'QUEUED')
    .sort((a, b) => Number(b.isPrioritized) - Number(a.isPrioritized) || a.createdAt - b.createdAt);
}

/** A stack: its runs, what holds and waits for it, its config, contexts, policies and outputs. */
export function StackPage() {
  const stack = useLoaderData<StackView>();
  const { viewer } = useShell();
  const queue = queueOf(stack);

  return (
    <article className="page" aria-labelledby="stack-title">
      <title>{`${stack.name} · Gantry`}</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Stacks</Link>
          </li>
          <li aria-current="page">{stack.name}</li>
        </ol>
      </nav>
      <header className="page-header">
        <div>
          <h1 id="stack-title">{stack.name}</h1>
          <p className="subtitle">
            <StateBadge state={stack.state} /> <code>{stack.id}</code>
          </p>
          <StackMarks stack={stack} />
          {stack.lockedBy && stack.lockNote && <p className="muted">Lock note: {stack.lockNote}</p>}
        </div>
      </header>
      {stack.description && <p className="description">{stack.description}</p>}
      <StackFacts stack={stack} />
      {stack.canWrite && <StackActions stack={stack} viewerId={viewer.id} />}

      <section aria-labelledby="queue-title" className="section">
        <h2 id="queue-title">Queue</h2>
        {stack.blocker ? (
          <p>
            Holding the stack’s lock: <StateBadge state={stack.blocker.state} />{' '}
            <Link to={runPath(stack.id, stack.blocker.id)}>
              {stack.blocker.title || stack.blocker.id}
            </Link>
          </p>
        ) : (
          <p className="muted">No run holds the stack’s lock.</p>
        )}
        <RunTable
          stackId={stack.id}
          runs={queue}
          caption="Runs waiting, in the order they start"
          empty="No runs are waiting."
        />
      </section>

      <section aria-labelledby="tracked-title" className="section">
        <h2 id="tracked-title">Tracked runs</h2>
        <PagedRuns
          stackId={stack.id}
          list="runs"
          newest={stack.runs}
          caption="Tracked runs, newest first"
          empty={`No tracked runs yet: a push to ${stack.branch} or Trigger starts one.`}
        />
      </section>

      <section aria-labelledby="proposed-title" className="section">
        <h2 id="proposed-title">Proposed runs</h2>
        <PagedRuns
          stackId={stack.id}
          list="proposedRuns"
          newest={stack.proposedRuns}
          caption="Proposed runs, newest first"
          empty="No proposed runs: pushes to other branches and merge requests start them."
          showBranch
        />
      </section>

      <section aria-labelledby="tasks-title" className="section">
        <h2 id="tasks-title">Tasks</h2>
        <PagedRuns
          stackId={stack.id}
          list="tasks"
          newest={stack.tasks}
          caption="Tasks, newest first"
          empty="No tasks yet."
        />
      </section>

      <div className="stack-extras">
        <section aria-labelledby="outputs-title" className="section">
          <h2 id="outputs-title">Outputs</h2>
          <Outputs outputs={stack.outputs} />
        </section>

        <section aria-labelledby="config-title" className="section">
          <h2 id="config-title">Config</h2>
          <ConfigTable entries={stack.config} caption="The stack's own config" />
        </section>

        <section aria-labelledby="contexts-title" className="section">
          <h2 id="contexts-title">Contexts</h2>
          {stack.attachedContexts.length === 0 ? (
            <Empty>No contexts are attached.</Empty>
          ) : (
            <ul className="plain-list">
              {[...stack.attachedContexts]
                .sort((a, b) => a.priority - b.priority)
                .map((attachment) => (
                  <li key={attachment.id}>
                    {viewer.admin ? (
                      <Link to={`/admin/contexts/${encodeURIComponent(attachment.contextId)}`}>
                        {attachment.contextName}
                      </Link>
                    ) : (
                      attachment.contextName
                    )}{' '}
                    <span className="muted small">priority {attachment.priority}</span>
                  </li>
                ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="policies-title" className="section">
          <h2 id="policies-title">Policies</h2>
          {stack.attachedPolicies.length === 0 ? (
            <Empty>
              {viewer.admin
                ? 'No policies are attached.'
                : 'Only admins see which policies are attached.'}
            </Empty>
          ) : (
            <ul className="plain-list">
              {stack.attachedPolicies.map((attachment) => (
                <li key={attachment.id}>
                  <Link to={`/admin/policies/${encodeURIComponent(attachment.policyId)}`}>
                    {attachment.policyName}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </article>
  );
}

function StackFacts({ stack }: { stack: StackView }) {
  return (
    <dl className="facts">
      <div>
        <dt>Repository</dt>
        <dd>
          <code>{stack.repositoryURL ?? stack.repository}</code>
          {stack.projectRoot ? (
            <>
              {' '}
              in <code>{stack.projectRoot}</code>
            </>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>Branch</dt>
        <dd>
          <code>{stack.branch}</code>
        </dd>
      </div>
      <div>
        <dt>Tracked commit</dt>
        <dd>
          {stack.trackedCommit ? (
            <>
              {stack.trackedCommit.url ? (
                <a href={stack.trackedCommit.url} title={stack.trackedCommit.hash}>
                  <code>{shortHash(stack.trackedCommit.hash)}</code>
                </a>
              ) : (
                <code title={stack.trackedCommit.hash}>{shortHash(stack.trackedCommit.hash)}</code>
              )}{' '}
              {stack.trackedCommit.message}
            </>
          ) : (
            <span className="muted">the branch’s head</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Space</dt>
        <dd>{stack.spaceDetails.name}</dd>
      </div>
      <div>
        <dt>Runs on</dt>
        <dd>{stack.workerPool ? stack.workerPool.name : 'Gantry’s own workers'}</dd>
      </div>
      <div>
        <dt>OpenTofu</dt>
        <dd>{stack.terraformVersion ?? 'the worker’s version'}</dd>
      </div>
      <div>
        <dt>Applies</dt>
        <dd>{stack.autodeploy ? 'without confirmation (autodeploy)' : 'once confirmed'}</dd>
      </div>
      {stack.trackTags && (
        <div>
          <dt>Tags</dt>
          <dd>
            each pushed tag matching <code>{stack.trackTags}</code> starts a tracked run
          </dd>
        </div>
      )}
      {stack.administrative && (
        <div>
          <dt>Administrative</dt>
          <dd>its runs may manage other stacks</dd>
        </div>
      )}
      {stack.labels.length > 0 && (
        <div>
          <dt>Labels</dt>
          <dd>
            <Labels labels={stack.labels} />
          </dd>
        </div>
      )}
    </dl>
  );
}

/** What a writer may do with the stack: start a run or a task, lock it for themselves. */
function StackActions({ stack, viewerId }: { stack: StackView; viewerId: string }) {
  const action = useAction();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const [lockNote, setLockNote] = useState('');
  const ids = useId();
  const busy = action.pending !== null;

  const trigger = () =>
    action.run('Trigger', async () => {
      const { runTrigger } = await graphql<{ runTrigger: { id: string } }>(
        `
          mutation ConsoleTrigger($stack: ID!) {
            runTrigger(stack: $stack) {
              id
            }
          }
        `,
        { stack: stack.id },
      );
      await navigate(runPath(stack.id, runTrigger.id));
    });

  const lock = () =>
    action.run('Lock', async () => {
      await graphql(
        `
          mutation ConsoleLock($id: ID!, $note: String) {
            stackLock(id: $id, note: $note) {
              id
            }
          }
        `,
        { id: stack.id, note: lockNote.trim() || null },
      );
      setLockNote('');
      await revalidator.revalidate();
    });

  const unlock = () =>
    action.run('Unlock', async () => {
      await graphql(
        `
          mutation ConsoleUnlock($id: ID!) {
            stackUnlock(id: $id) {
              id
            }
          }
        `,
        {
          id: stack.id,
        },
      );
      await revalidator.revalidate();
    });

  const runTask = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const command = formText(new FormData(form), 'command').trim();
    void action.run('Run task', async () => {
      const { taskCreate } = await graphql<{ taskCreate: { id: string } }>(
        `
          mutation ConsoleTask($stack: ID!, $command: String!) {
            taskCreate(stack: $stack, command: $command) {
              id
            }
          }
        `,
        { stack: stack.id, command },
      );
      form.reset();
      await navigate(runPath(stack.id, taskCreate.id));
    });
  };

  const lockedByOther = stack.lockedBy !== null && stack.lockedBy !== viewerId;
  return (
    <section aria-labelledby={`${ids}-title`} className="section actions-panel">
      <h2 id={`${ids}-title`} className="visually-hidden">
        Actions
      </h2>
      <div className="action-row">
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={() => void trigger()}
        >
          Trigger
        </button>
        {stack.lockedBy ? (
          <button type="button" className="button" disabled={busy} onClick={() => void unlock()}>
            Unlock
          </button>
        ) : (
          <span className="inline-field">
            <label htmlFor={`${ids}-note`} className="visually-hidden">
              Lock note
            </label>
            <input
              id={`${ids}-note`}
              value={lockNote}
              placeholder="Why lock it (optional)"
              onChange={(event) => setLockNote(event.target.value)}
            />
            <button type="button" className="button" disabled={busy} onClick={() => void lock()}>
              Lock
            </button>
          </span>
        )}
      </div>
      {lockedByOther && (
        <p className="hint">
          Locked by {stack.lockedBy}: only they start tracked runs until it is unlocked.
        </p>
      )}
      <form className="inline-form" onSubmit={runTask}>
        <label htmlFor={`${ids}-command`}>Task command</label>
        <div className="inline-field">
          <input
            id={`${ids}-command`}
            name="command"
            required
            spellCheck={false}
            autoCapitalize="none"
            placeholder="tofu state list"
            className="mono"
          />
          <button type="submit" className="button" disabled={busy}>
            Run task
          </button>
        </div>
      </form>
      {action.pending && (
        <p role="status" className="muted">
          {action.pending}…
        </p>
      )}
      {action.error && <ActionFailed error={action.error} />}
    </section>
  );
}

function Outputs({ outputs }: { outputs: StackView['outputs'] }) {
  if (outputs.length === 0) return <Empty>No outputs in the current state.</Empty>;
  return (
    <dl className="outputs">
      {outputs.map((output) => (
        <div key={output.id}>
          <dt>
            <code>{output.id}</code>
          </dt>
          <dd>
            {output.sensitive || output.value === null ? (
              <span className="muted">(sensitive)</span>
            ) : (
              <code className="value">{output.value}</code>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
