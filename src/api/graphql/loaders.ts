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

const pageKey = (key: { stackId: string; list: RunList }) => `${key.list}/${key.stackId}`;

/**
 * Per-request batch loaders: however many stacks or runs a query touches, each kind of row is
 * read with one query per level of the query, not one per parent. The queries are the nouns'
 * own (src/<noun>/store.ts).
 */
export function createLoaders(db: Database) {
  const batch = <K, V>(load: (db: Database, keys: readonly K[]) => Promise<V[]>) =>
    new DataLoader<K, V>((keys) => load(db, keys));

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

    /** The first page of each stack's runs of one list. */
    firstRunPage: new DataLoader<{ stackId: string; list: RunList }, runs.RunPage, string>(
      async (keys) => {
        const lists = [...new Set(keys.map((key) => key.list))];
        const pages = new Map(
          await Promise.all(
            lists.map(
              async (list) =>
                [
                  list,
                  await runs.firstRunPages(
                    db,
                    list,
                    keys.filter((key) => key.list === list).map((key) => key.stackId),
                  ),
                ] as const,
            ),
          ),
        );
        return keys.map((key) => pages.get(key.list)?.get(key.stackId) ?? []);
      },
      { cacheKeyFn: pageKey },
    ),

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
