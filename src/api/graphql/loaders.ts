import DataLoader from 'dataloader';
import * as contexts from '../../contexts/store';
import type { ConfigElementRow } from '../../contexts/service';
import type { Database } from '../../db';
import * as policies from '../../policy/store';
import type { LogPage, LogPageRequest } from '../../runs/logs';
import * as runs from '../../runs/store';
import type { RunList } from '../../runs/store';
import * as spaces from '../../spaces/store';
import * as stacks from '../../stacks/store';
import * as workerPools from '../../workerPools/store';
import type { StackState } from './types.generated';

/** A page of runs asked for: the first of a stack's list, with these columns of each run. */
interface RunPageKey {
  stackId: string;
  list: RunList;
  columns: readonly (keyof runs.Run)[];
}

const pageKey = (key: RunPageKey) => `${key.list}/${key.columns.join(',')}/${key.stackId}`;

/**
 * Per-request batch loaders: however many stacks or runs a query touches, each kind of row is
 * read with one query per level of the query, not one per parent. The queries are the nouns'
 * own (src/<noun>/store.ts).
 */
export function createLoaders(db: Database) {
  const batch = <K, V>(load: (db: Database, keys: readonly K[]) => Promise<V[]>) =>
    new DataLoader<K, V>((keys) => load(db, keys));

  const runPages = new DataLoader<RunPageKey, runs.ListedRun<keyof runs.Run>[], string>(
    async (keys) => {
      // One query for each list and set of columns asked.
      const batches = new Map<string, RunPageKey[]>();
      for (const key of keys) {
        const asked = `${key.list}/${key.columns.join(',')}`;
        const batch = batches.get(asked);
        if (batch) batch.push(key);
        else batches.set(asked, [key]);
      }
      const pages = new Map<string, runs.ListedRun<keyof runs.Run>[]>();
      await Promise.all(
        [...batches.values()].map(async (batch) => {
          const { list, columns } = batch[0]!;
          const stackIds = batch.map((key) => key.stackId);
          for (const [stackId, page] of await runs.firstRunPages(db, list, stackIds, columns)) {
            pages.set(pageKey({ stackId, list, columns }), page);
          }
        }),
      );
      return keys.map((key) => pages.get(pageKey(key)) ?? []);
    },
    { cacheKeyFn: pageKey },
  );

  return {
    stack: batch(stacks.stacksByIds),
    context: batch(contexts.contextsByIds),
    run: batch(runs.runsByIds),
    policy: batch(policies.policiesByIds),
    space: batch(spaces.spacesByIds),
    workerPool: batch(workerPools.workerPoolsByIds),
    /** Each pool's live workers. */
    poolWorkers: batch(workerPools.liveWorkersOfPools),
    /** The stacks that use each pool. */
    poolStacks: batch(stacks.stacksUsingPools),
    /** How many runs of each stack wait in QUEUED. */
    queuedRuns: batch(runs.queuedRunCounts),
    stackState: new DataLoader<string, { state: StackState; setAt: Date | null }>(
      async (ids) =>
        (await runs.stackStates(db, ids)) as Array<{ state: StackState; setAt: Date | null }>,
    ),
    blocker: batch(runs.blockers),

    /**
     * The first page of a stack's runs of one list, each run with the given columns only (and
     * its id and stack): the pages of every stack asked with the same columns are read together.
     */
    firstRunPage: <C extends keyof runs.Run>(
      stackId: string,
      list: RunList,
      columns: readonly C[],
    ) =>
      runPages.load({ stackId, list, columns: [...columns].sort() }) as Promise<
        runs.ListedRun<C>[]
      >,
    history: batch(runs.histories),
    reviews: batch(runs.reviewsOf),

    /** Pages of phases' logs: every Run.logs of a request in a few queries. */
    logs: new DataLoader<LogPageRequest, LogPage, string>(
      (requests) => runs.readLogPages(db, requests),
      {
        cacheKeyFn: (request) =>
          `${request.runId}/${request.state}/${request.stateVersion ?? 0}/${request.token ?? ''}`,
      },
    ),
    loggedVisits: batch(runs.loggedVisits),

    stackConfig: batch<string, ConfigElementRow[]>(contexts.configOfStacks),
    contextConfig: batch<string, ConfigElementRow[]>(contexts.configOfContexts),
    contextAttachment: batch(contexts.contextAttachmentsByIds),
    policyAttachment: batch(policies.policyAttachmentsByIds),
    stackAttachments: batch(contexts.attachmentsOfStacks),
    contextAttachments: batch(contexts.attachmentsOfContexts),
    stackPolicyAttachments: batch(policies.attachmentsOfStacks),
    policyAttachments: batch(policies.attachmentsOfPolicies),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
