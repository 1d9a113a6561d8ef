import DataLoader from 'dataloader';
import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  inArray,
  isNotNull,
  lte,
  notInArray,
  sql,
} from 'drizzle-orm';
import type { Database } from '../../db';
import { readLogPages, type LogPage, type LogPageRequest } from '../../runs/logs';
import { RunState, RunType, TERMINAL_STATES } from '../../runs/types';
import type { StackState } from './types.generated';
import * as contextsTables from '../../contexts/tables';
import * as policyTables from '../../policy/tables';
import * as runsTables from '../../runs/tables';
import * as stacksTables from '../../stacks/tables';
import type { ConfigElementRow } from '../../contexts/tables';
import type { PolicyAttachment } from '../../policy/tables';
import type { Run, RunTransition } from '../../runs/tables';

export const RUN_PAGE_SIZE = 50;

/** Which of a stack's runs a list shows. */
export type RunList = 'runs' | 'tasks' | 'proposedRuns';

export const RUN_TYPES: Record<RunList, RunType> = {
  runs: RunType.TRACKED,
  tasks: RunType.TASK,
  proposedRuns: RunType.PROPOSED,
};

// What a stack's state follows: its latest tracked run that started (one QUEUED or CANCELED
// changed nothing yet).
const STACK_STATES = new Set<string>([
  'INITIALIZING',
  'PLANNING',
  'FAILED',
  'FINISHED',
  'UNCONFIRMED',
  'DISCARDED',
  'CONFIRMED',
  'APPLYING',
  'STOPPED',
]);

const pageKey = (key: { stackId: string; list: RunList }) => `${key.list}/${key.stackId}`;

/**
 * Per-request batch loaders: however many stacks or runs a query touches, each kind of row is
 * read with one query per level of the query, not one per parent.
 */
export function createLoaders(db: Database) {
  const grouped = <K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K) => {
    const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of rows) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key)!);
  };
  const byKey = <K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K) => {
    const found = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => found.get(key));
  };

  const byId = <Row extends { id: string }>(load: (ids: string[]) => Promise<Row[]>) =>
    new DataLoader<string, Row | undefined>(async (ids) =>
      byKey(ids, await load([...ids]), (row) => row.id),
    );

  return {
    stack: byId((ids) =>
      db.select().from(stacksTables.stacks).where(inArray(stacksTables.stacks.id, ids)),
    ),
    context: byId((ids) =>
      db.select().from(contextsTables.contexts).where(inArray(contextsTables.contexts.id, ids)),
    ),
    run: byId((ids) => db.select().from(runsTables.runs).where(inArray(runsTables.runs.id, ids))),
    policy: byId((ids) =>
      db.select().from(policyTables.policies).where(inArray(policyTables.policies.id, ids)),
    ),

    stackState: new DataLoader<string, StackState>(async (ids) => {
      const rows = await db
        .selectDistinctOn([runsTables.runs.stackId], {
          stackId: runsTables.runs.stackId,
          state: runsTables.runs.state,
        })
        .from(runsTables.runs)
        .where(
          and(
            inArray(runsTables.runs.stackId, [...ids]),
            eq(runsTables.runs.type, RunType.TRACKED),
            inArray(runsTables.runs.state, [...STACK_STATES] as RunState[]),
          ),
        )
        .orderBy(runsTables.runs.stackId, desc(runsTables.runs.id));
      return byKey(ids, rows, (row) => row.stackId).map(
        (row) => (row?.state ?? 'NONE') as StackState,
      );
    }),

    /** The run holding each stack's lock: see RunService.blocker. */
    blocker: new DataLoader<string, Run | undefined>(async (ids) => {
      const rows = await db
        .selectDistinctOn([runsTables.runs.stackId])
        .from(runsTables.runs)
        .where(
          and(
            inArray(runsTables.runs.stackId, [...ids]),
            inArray(runsTables.runs.type, [RunType.TRACKED, RunType.TASK]),
            notInArray(runsTables.runs.state, [RunState.QUEUED, ...TERMINAL_STATES]),
          ),
        )
        .orderBy(runsTables.runs.stackId, asc(runsTables.runs.id));
      return byKey(ids, rows, (row) => row.stackId);
    }),

    /** The first page (newest 50) of each stack's runs of one list. */
    firstRunPage: new DataLoader<{ stackId: string; list: RunList }, Run[], string>(
      async (keys) => {
        const pages = await Promise.all(
          (Object.keys(RUN_TYPES) as RunList[]).map(async (list) => {
            const stackIds = keys.filter((key) => key.list === list).map((key) => key.stackId);
            if (stackIds.length === 0) return { list, runs: [] };
            const ranked = db
              .select({
                id: runsTables.runs.id,
                rank: sql<number>`row_number() over (partition by ${runsTables.runs.stackId} order by ${runsTables.runs.id} desc)`.as(
                  'rank',
                ),
              })
              .from(runsTables.runs)
              .where(
                and(
                  inArray(runsTables.runs.stackId, stackIds),
                  eq(runsTables.runs.type, RUN_TYPES[list]),
                ),
              )
              .as('ranked');
            // Flat rows: drizzle maps them much faster than rows nested under a key.
            const runs = await db
              .select(getTableColumns(runsTables.runs))
              .from(runsTables.runs)
              .innerJoin(ranked, eq(ranked.id, runsTables.runs.id))
              .where(lte(ranked.rank, RUN_PAGE_SIZE))
              .orderBy(desc(runsTables.runs.id));
            return { list, runs };
          }),
        );
        const byList = new Map(
          pages.map(({ list, runs }) => {
            const byStack = new Map<string, Run[]>();
            for (const run of runs) {
              const page = byStack.get(run.stackId);
              if (page) page.push(run);
              else byStack.set(run.stackId, [run]);
            }
            return [list, byStack];
          }),
        );
        return keys.map((key) => byList.get(key.list)?.get(key.stackId) ?? []);
      },
      { cacheKeyFn: pageKey },
    ),

    history: new DataLoader<string, RunTransition[]>(async (runIds) =>
      grouped(
        runIds,
        await db
          .select()
          .from(runsTables.runTransitions)
          .where(inArray(runsTables.runTransitions.runId, [...runIds]))
          .orderBy(asc(runsTables.runTransitions.runId), asc(runsTables.runTransitions.seq)),
        (row) => row.runId,
      ),
    ),

    /** Pages of phases' logs: every Run.logs of a request in a few queries. */
    logs: new DataLoader<LogPageRequest, LogPage, string>(
      (requests) => readLogPages(db, requests),
      {
        cacheKeyFn: (request) => `${request.runId}/${request.state}/${request.token ?? ''}`,
      },
    ),

    /** The states of each run that have log lines. */
    loggedStates: new DataLoader<string, Set<string>>(async (runIds) => {
      const rows = await db
        .selectDistinct({ runId: runsTables.runLogs.runId, state: runsTables.runLogs.state })
        .from(runsTables.runLogs)
        .where(inArray(runsTables.runLogs.runId, [...runIds]));
      return grouped(runIds, rows, (row) => row.runId).map(
        (states) => new Set(states.map((row) => row.state)),
      );
    }),

    stackConfig: new DataLoader<string, ConfigElementRow[]>(async (stackIds) =>
      grouped(
        stackIds,
        await db
          .select()
          .from(contextsTables.configElements)
          .where(inArray(contextsTables.configElements.stackId, [...stackIds]))
          .orderBy(asc(contextsTables.configElements.id)),
        (row) => row.stackId!,
      ),
    ),

    contextConfig: new DataLoader<string, ConfigElementRow[]>(async (contextIds) =>
      grouped(
        contextIds,
        await db
          .select()
          .from(contextsTables.configElements)
          .where(
            and(
              isNotNull(contextsTables.configElements.contextId),
              inArray(contextsTables.configElements.contextId, [...contextIds]),
            ),
          )
          .orderBy(asc(contextsTables.configElements.id)),
        (row) => row.contextId!,
      ),
    ),

    /** Each stack's attachments, by priority. */
    stackAttachments: new DataLoader<
      string,
      (typeof contextsTables.contextAttachments.$inferSelect)[]
    >(async (stackIds) =>
      grouped(
        stackIds,
        await db
          .select()
          .from(contextsTables.contextAttachments)
          .where(inArray(contextsTables.contextAttachments.stackId, [...stackIds]))
          .orderBy(
            asc(contextsTables.contextAttachments.priority),
            asc(contextsTables.contextAttachments.id),
          ),
        (row) => row.stackId,
      ),
    ),

    contextAttachments: new DataLoader<
      string,
      (typeof contextsTables.contextAttachments.$inferSelect)[]
    >(async (contextIds) =>
      grouped(
        contextIds,
        await db
          .select()
          .from(contextsTables.contextAttachments)
          .where(inArray(contextsTables.contextAttachments.contextId, [...contextIds]))
          .orderBy(
            asc(contextsTables.contextAttachments.priority),
            asc(contextsTables.contextAttachments.id),
          ),
        (row) => row.contextId,
      ),
    ),

    stackPolicyAttachments: new DataLoader<string, PolicyAttachment[]>(async (stackIds) =>
      grouped(
        stackIds,
        await db
          .select()
          .from(policyTables.policyAttachments)
          .where(inArray(policyTables.policyAttachments.stackId, [...stackIds]))
          .orderBy(asc(policyTables.policyAttachments.policyId)),
        (row) => row.stackId,
      ),
    ),

    policyAttachments: new DataLoader<string, PolicyAttachment[]>(async (policyIds) =>
      grouped(
        policyIds,
        await db
          .select()
          .from(policyTables.policyAttachments)
          .where(inArray(policyTables.policyAttachments.policyId, [...policyIds]))
          .orderBy(asc(policyTables.policyAttachments.stackId)),
        (row) => row.policyId,
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
