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
import { schema, type Database } from '../../db';
import type { ConfigElementRow, PolicyAttachment, Run, RunTransition } from '../../db/schema';
import { readLogPages, type LogPage, type LogPageRequest } from '../../runs/logs';
import { RunState, RunType, TERMINAL_STATES } from '../../runs/types';
import type { StackState } from './types.generated';

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
    stack: byId((ids) => db.select().from(schema.stacks).where(inArray(schema.stacks.id, ids))),
    context: byId((ids) =>
      db.select().from(schema.contexts).where(inArray(schema.contexts.id, ids)),
    ),
    run: byId((ids) => db.select().from(schema.runs).where(inArray(schema.runs.id, ids))),
    policy: byId((ids) =>
      db.select().from(schema.policies).where(inArray(schema.policies.id, ids)),
    ),

    stackState: new DataLoader<string, StackState>(async (ids) => {
      const rows = await db
        .selectDistinctOn([schema.runs.stackId], {
          stackId: schema.runs.stackId,
          state: schema.runs.state,
        })
        .from(schema.runs)
        .where(
          and(
            inArray(schema.runs.stackId, [...ids]),
            eq(schema.runs.type, RunType.TRACKED),
            inArray(schema.runs.state, [...STACK_STATES] as RunState[]),
          ),
        )
        .orderBy(schema.runs.stackId, desc(schema.runs.id));
      return byKey(ids, rows, (row) => row.stackId).map(
        (row) => (row?.state ?? 'NONE') as StackState,
      );
    }),

    /** The run holding each stack's lock: see RunService.blocker. */
    blocker: new DataLoader<string, Run | undefined>(async (ids) => {
      const rows = await db
        .selectDistinctOn([schema.runs.stackId])
        .from(schema.runs)
        .where(
          and(
            inArray(schema.runs.stackId, [...ids]),
            inArray(schema.runs.type, [RunType.TRACKED, RunType.TASK]),
            notInArray(schema.runs.state, [RunState.QUEUED, ...TERMINAL_STATES]),
          ),
        )
        .orderBy(schema.runs.stackId, asc(schema.runs.id));
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
                id: schema.runs.id,
                rank: sql<number>`row_number() over (partition by ${schema.runs.stackId} order by ${schema.runs.id} desc)`.as(
                  'rank',
                ),
              })
              .from(schema.runs)
              .where(
                and(inArray(schema.runs.stackId, stackIds), eq(schema.runs.type, RUN_TYPES[list])),
              )
              .as('ranked');
            // Flat rows: drizzle maps them much faster than rows nested under a key.
            const runs = await db
              .select(getTableColumns(schema.runs))
              .from(schema.runs)
              .innerJoin(ranked, eq(ranked.id, schema.runs.id))
              .where(lte(ranked.rank, RUN_PAGE_SIZE))
              .orderBy(desc(schema.runs.id));
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
          .from(schema.runTransitions)
          .where(inArray(schema.runTransitions.runId, [...runIds]))
          .orderBy(asc(schema.runTransitions.runId), asc(schema.runTransitions.seq)),
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
        .selectDistinct({ runId: schema.runLogs.runId, state: schema.runLogs.state })
        .from(schema.runLogs)
        .where(inArray(schema.runLogs.runId, [...runIds]));
      return grouped(runIds, rows, (row) => row.runId).map(
        (states) => new Set(states.map((row) => row.state)),
      );
    }),

    stackConfig: new DataLoader<string, ConfigElementRow[]>(async (stackIds) =>
      grouped(
        stackIds,
        await db
          .select()
          .from(schema.configElements)
          .where(inArray(schema.configElements.stackId, [...stackIds]))
          .orderBy(asc(schema.configElements.id)),
        (row) => row.stackId!,
      ),
    ),

    contextConfig: new DataLoader<string, ConfigElementRow[]>(async (contextIds) =>
      grouped(
        contextIds,
        await db
          .select()
          .from(schema.configElements)
          .where(
            and(
              isNotNull(schema.configElements.contextId),
              inArray(schema.configElements.contextId, [...contextIds]),
            ),
          )
          .orderBy(asc(schema.configElements.id)),
        (row) => row.contextId!,
      ),
    ),

    /** Each stack's attachments, by priority. */
    stackAttachments: new DataLoader<string, (typeof schema.contextAttachments.$inferSelect)[]>(
      async (stackIds) =>
        grouped(
          stackIds,
          await db
            .select()
            .from(schema.contextAttachments)
            .where(inArray(schema.contextAttachments.stackId, [...stackIds]))
            .orderBy(asc(schema.contextAttachments.priority), asc(schema.contextAttachments.id)),
          (row) => row.stackId,
        ),
    ),

    contextAttachments: new DataLoader<string, (typeof schema.contextAttachments.$inferSelect)[]>(
      async (contextIds) =>
        grouped(
          contextIds,
          await db
            .select()
            .from(schema.contextAttachments)
            .where(inArray(schema.contextAttachments.contextId, [...contextIds]))
            .orderBy(asc(schema.contextAttachments.priority), asc(schema.contextAttachments.id)),
          (row) => row.contextId,
        ),
    ),

    stackPolicyAttachments: new DataLoader<string, PolicyAttachment[]>(async (stackIds) =>
      grouped(
        stackIds,
        await db
          .select()
          .from(schema.policyAttachments)
          .where(inArray(schema.policyAttachments.stackId, [...stackIds]))
          .orderBy(asc(schema.policyAttachments.policyId)),
        (row) => row.stackId,
      ),
    ),

    policyAttachments: new DataLoader<string, PolicyAttachment[]>(async (policyIds) =>
      grouped(
        policyIds,
        await db
          .select()
          .from(schema.policyAttachments)
          .where(inArray(schema.policyAttachments.policyId, [...policyIds]))
          .orderBy(asc(schema.policyAttachments.stackId)),
        (row) => row.policyId,
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
