import { useState } from 'react';
import { graphql } from '../api/graphql';
import { ErrorNotice } from './Notice';
import { RUN_ROW_FRAGMENT, RunTable, type RunRow } from './RunTable';
import { useAction } from './useAction';

/** The run lists of a stack, which the API pages 50 at a time, newest first. */
export type RunList = 'runs' | 'proposedRuns' | 'tasks';
const PAGE_SIZE = 50;

/** A stack's runs of one list: the newest page, and older pages when asked for. */
export function PagedRuns({
  stackId,
  list,
  newest,
  caption,
  empty,
  showBranch = false,
}: {
  stackId: string;
  list: RunList;
  newest: readonly RunRow[];
  caption: string;
  empty: string;
  showBranch?: boolean;
}) {
  const [older, setOlder] = useState<RunRow[]>([]);
  const [lastPageShort, setLastPageShort] = useState(false);
  const action = useAction();
  const seen = new Set(newest.map((run) => run.id));
  const runs = [...newest, ...older.filter((run) => !seen.has(run.id))];
  const more = newest.length >= PAGE_SIZE && !lastPageShort;

  const loadOlder = () =>
    action.run('Loading older runs', async () => {
      const { stack } = await graphql<{ stack: { page: RunRow[] } | null }>(
        `query ConsoleOlderRuns($id: ID!, $before: ID) {
          stack(id: $id) { page: ${list}(before: $before) { ...ConsoleRunRow } }
        }
        ${RUN_ROW_FRAGMENT}`,
        { id: stackId, before: runs.at(-1)?.id ?? null },
      );
      const page = stack?.page ?? [];
      setOlder((shown) => [...shown, ...page]);
      if (page.length < PAGE_SIZE) setLastPageShort(true);
    });

  return (
    <>
      <RunTable
        stackId={stackId}
        runs={runs}
        caption={caption}
        empty={empty}
        showBranch={showBranch}
      />
      {more && (
        <p>
          <button
            type="button"
            className="button button-small"
            disabled={action.pending !== null}
            onClick={() => void loadOlder()}
          >
            {action.pending ? 'Loading…' : 'Show older'}
            <span className="visually-hidden"> {caption.toLowerCase()}</span>
          </button>
        </p>
      )}
      {action.error && (
        <ErrorNotice title="Older runs could not be read">
          <p className="pre-line">{action.error.message}</p>
        </ErrorNotice>
      )}
    </>
  );
}
