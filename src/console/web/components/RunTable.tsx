import { Link } from 'react-router';
import type { Commit, Delta, Run, RunMergeRequest } from '../api/schema.generated';
import { Empty } from './Notice';
import { StateBadge } from './StateBadge';
import { Time } from './Time';

export type RunRow = Pick<
  Run,
  'id' | 'type' | 'state' | 'title' | 'branch' | 'command' | 'createdAt' | 'triggeredBy'
> &
  Pick<Run, 'isPrioritized'> & {
    commit: Pick<Commit, 'hash' | 'message' | 'authorName'>;
    delta: Pick<Delta, 'addCount' | 'changeCount' | 'deleteCount'> | null;
    mergeRequest: Pick<RunMergeRequest, 'iid' | 'url'> | null;
  };

/** The fields RunTable shows, as a fragment for the queries that list runs. */
export const RUN_ROW_FRAGMENT = `fragment ConsoleRunRow on Run {
  id type state title branch command createdAt triggeredBy isPrioritized
  commit { hash message authorName }
  delta { addCount changeCount deleteCount }
  mergeRequest { iid url }
}`;

export function runPath(stackId: string, runId: string): string {
  return `/stack/${encodeURIComponent(stackId)}/run/${encodeURIComponent(runId)}`;
}

/** A commit's hash as people quote it. */
export function shortHash(hash: string): string {
  return hash.slice(0, 8);
}

/** +2 ~1 −3, with words for those who do not see the signs. */
export function DeltaCounts({ delta }: { delta: RunRow['delta'] }) {
  if (!delta) return null;
  const { addCount, changeCount, deleteCount } = delta;
  if (!addCount && !changeCount && !deleteCount) return null;
  return (
    <span className="delta">
      <span className="delta-add">
        +{addCount ?? 0}
        <span className="visually-hidden"> to add,</span>
      </span>{' '}
      <span className="delta-change">
        ~{changeCount ?? 0}
        <span className="visually-hidden"> to change,</span>
      </span>{' '}
      <span className="delta-delete">
        −{deleteCount ?? 0}
        <span className="visually-hidden"> to delete</span>
      </span>
    </span>
  );
}

/** A list of runs of one stack, newest first, each linking to its page. */
export function RunTable({
  stackId,
  runs,
  caption,
  empty,
  showBranch = false,
}: {
  stackId: string;
  runs: readonly RunRow[];
  caption: string;
  empty: string;
  showBranch?: boolean;
}) {
  if (runs.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="table-wrap">
      <table className="cards-on-phone">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">State</th>
            {showBranch && <th scope="col">Branch</th>}
            <th scope="col">Commit</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <th scope="row" data-label="Run">
                <Link to={runPath(stackId, run.id)}>{run.title || run.id}</Link>
                {run.isPrioritized && <span className="mark mark-priority">Prioritized</span>}
                <div className="muted small">
                  <DeltaCounts delta={run.delta} />
                  {run.triggeredBy ? ` by ${run.triggeredBy}` : ''}
                </div>
              </th>
              <td data-label="State">
                <StateBadge state={run.state} />
              </td>
              {showBranch && (
                <td data-label="Branch">
                  <code>{run.branch}</code>
                  {run.mergeRequest && <MergeRequestLink mergeRequest={run.mergeRequest} />}
                </td>
              )}
              <td data-label="Commit">
                <code title={run.commit.hash}>{shortHash(run.commit.hash)}</code>
                <div className="muted small truncate" title={run.commit.message}>
                  {run.commit.message}
                </div>
              </td>
              <td data-label="Started">
                <Time unix={run.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The merge request a proposed run plans: a link to it on GitLab when Gantry knows where. */
function MergeRequestLink({ mergeRequest }: { mergeRequest: NonNullable<RunRow['mergeRequest']> }) {
  const name = `Merge request !${mergeRequest.iid}`;
  return (
    <div className="small">{mergeRequest.url ? <a href={mergeRequest.url}>{name}</a> : name}</div>
  );
}
