import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  lt,
  max,
  ne,
  notInArray,
  or,
  sql,
} from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { ulid } from '../platform/ids';
import { ConflictError, NotFoundError } from '../platform/errors';
import {
  deletingConflict,
  holdStackForRun,
  stackHeldForRun,
  trackCommitWithRun,
  type TrackedCommit,
} from '../stacks/store';
import { insertSelect, rowOf } from '../db/rows';
import { batchKeys, decodeRows, groupedBy, isBatchKey, oneBy } from '../db/batch';
import type { Database, Transaction } from '../db';
import * as tables from './tables';
import type { Run, RunReview, RunTransition } from './tables';

export type { Run, RunReview, RunTransition } from './tables';
import { isTerminal, RunState, RunType, TERMINAL_STATES, TOOL_STATES } from './types';
import { lineAfter, LogTokenError, type LogPage, type LogPageRequest } from './logs';
import { QUEUED_SEQ } from './machine';

/**
 * All of the runs noun's SQL: the runs the service stores, starts and ends, batch reads for the
 * API's loaders, the blocker and the run pages (one query each, used by the service and the
 * loaders alike), the run as the integrations show it, the logs, and the artifacts one phase
 * leaves for the next.
 */

/** How many runs a page of a stack's runs holds. */
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
const STACK_STATES: RunState[] = [
  RunState.INITIALIZING,
  RunState.PLANNING,
  RunState.FAILED,
  RunState.FINISHED,
  RunState.UNCONFIRMED,
  RunState.DISCARDED,
  RunState.CONFIRMED,
  RunState.APPLYING,
  RunState.STOPPED,
];

export async function runsByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.runs)
    .where(inArray(tables.runs.id, [...ids]));
  return oneBy<string, Run>(ids, rows, (row) => row.id);
}

/** Each stack's state (that of its latest tracked run that started, or NONE) and when it was set. */
export async function stackStates(db: Database, stackIds: readonly string[]) {
  const latest = db
    .select({
      stackId: tables.runs.stackId,
      state: tables.runs.state,
      updatedAt: tables.runs.updatedAt,
    })
    .from(tables.runs)
    .where(
      and(
        isBatchKey(tables.runs.stackId),
        eq(tables.runs.type, RunType.TRACKED),
        inArray(tables.runs.state, STACK_STATES),
      ),
    )
    .orderBy(desc(tables.runs.id))
    .limit(1)
    .as('latest');
  const rows = await db
    .select({ stackId: latest.stackId, state: latest.state, updatedAt: latest.updatedAt })
    .from(batchKeys(stackIds))
    .crossJoinLateral(latest);
  // The run's last change of state is when the stack's state was set.
  return oneBy(stackIds, rows, (row) => row.stackId).map((row) => ({
    state: row?.state ?? 'NONE',
    setAt: row?.updatedAt ?? null,
  }));
}

/**
 * The run holding each stack's lock (Stack.blocker): the tracked run or task past QUEUED and
 * not yet ended. Only the lock's holder leaves QUEUED, so there is at most one.
 */
export async function blockers(db: Database, stackIds: readonly string[]) {
  const rows = await db
    .selectDistinctOn([tables.runs.stackId])
    .from(tables.runs)
    .where(
      and(
        inArray(tables.runs.stackId, [...stackIds]),
        inArray(tables.runs.type, [RunType.TRACKED, RunType.TASK]),
        notInArray(tables.runs.state, [RunState.QUEUED, ...TERMINAL_STATES]),
      ),
    )
    .orderBy(tables.runs.stackId, asc(tables.runs.id));
  return oneBy<string, Run>(stackIds, rows, (row) => row.stackId);
}

/** How many runs of each stack wait in QUEUED (a worker pool's pending runs are its stacks'). */
export async function queuedRunCounts(db: Database, stackIds: readonly string[]) {
  const rows = await db
    .select({ stackId: tables.runs.stackId, queued: count() })
    .from(tables.runs)
    .where(and(inArray(tables.runs.stackId, [...stackIds]), eq(tables.runs.state, RunState.QUEUED)))
    .groupBy(tables.runs.stackId);
  return oneBy(stackIds, rows, (row) => row.stackId).map((row) => row?.queued ?? 0);
}

/** A stack's runs of the given types, newest first, a page at a time, older than `before`. */
export async function runPage(
  db: Database,
  stackId: string,
  options: { types: RunType[]; before?: string | undefined },
): Promise<Run[]> {
  return db
    .select()
    .from(tables.runs)
    .where(
      and(
        eq(tables.runs.stackId, stackId),
        inArray(tables.runs.type, options.types),
        ...(options.before ? [lt(tables.runs.id, options.before)] : []),
      ),
    )
    .orderBy(desc(tables.runs.id))
    .limit(RUN_PAGE_SIZE);
}

/** A run as a list reads it: some of its columns, and always its id and its stack's. */
export type ListedRun<C extends keyof Run> = Pick<Run, C | 'id' | 'stackId'>;

/**
 * The first page of one list of runs of each of `stackIds`, newest first, in one query. Only
 * `columns` are read (with each run's id and stack): a list of thousands of runs moves a few
 * of its columns out of the database and through the ORM, not all of them.
 */
export async function firstRunPages<C extends keyof Run>(
  db: Database,
  list: RunList,
  stackIds: readonly string[],
  columns: readonly C[],
): Promise<Map<string, ListedRun<C>[]>> {
  const byStack = new Map<string, ListedRun<C>[]>();
  if (stackIds.length === 0) return byStack;
  const selected = [...new Set<keyof Run>(['id', 'stackId', ...columns])];
  const columnsOfRuns = getTableColumns(tables.runs);
  const fields = Object.fromEntries(selected.map((column) => [column, columnsOfRuns[column]]));
  // Each stack's page is read from the runs_by_stack index, which reads only the rows on the
  // pages where ranking the stacks' runs would read all of them.
  const page = db
    .select(fields)
    .from(tables.runs)
    .where(and(isBatchKey(tables.runs.stackId), eq(tables.runs.type, RUN_TYPES[list])))
    .orderBy(desc(tables.runs.id))
    .limit(RUN_PAGE_SIZE)
    .as('page');
  const pageFields = Object.fromEntries(
    selected.map((column) => [column, page[column] as AnyPgColumn]),
  );
  const { rows } = await db.execute(
    db.select(pageFields).from(batchKeys(stackIds)).crossJoinLateral(page),
  );
  const runs = decodeRows<ListedRun<C>>(rows, fields);
  for (const run of runs) {
    const stackPage = byStack.get(run.stackId);
    if (stackPage) stackPage.push(run);
    else byStack.set(run.stackId, [run]);
  }
  return byStack;
}

/** Each run's history of states, in order. */
export async function histories(db: Database, runIds: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.runTransitions)
    .where(inArray(tables.runTransitions.runId, [...runIds]))
    .orderBy(asc(tables.runTransitions.runId), asc(tables.runTransitions.seq));
  return groupedBy<string, RunTransition>(runIds, rows, (row) => row.runId);
}

/** The visits to states of each run that have log lines, as `${state}/${stateVersion}`. */
export async function loggedVisits(db: Database, runIds: readonly string[]) {
  const rows = await db
    .selectDistinct({
      runId: tables.runLogs.runId,
      state: tables.runLogs.state,
      stateVersion: tables.runLogs.stateVersion,
    })
    .from(tables.runLogs)
    .where(inArray(tables.runLogs.runId, [...runIds]));
  return groupedBy(runIds, rows, (row) => row.runId).map(
    (visits) => new Set<string>(visits.map((row) => `${row.state}/${row.stateVersion}`)),
  );
}

/**
 * A run of the stack that is under way, locked for the transaction: one that is past QUEUED
 * and not ended, or QUEUED with its workflow started. A run whose workflow was never started
 * is only a row.
 */
export async function activeRunOf(tx: Transaction, stackId: string) {
  const [active] = await tx
    .select({ id: tables.runs.id, state: tables.runs.state })
    .from(tables.runs)
    .where(
      and(
        eq(tables.runs.stackId, stackId),
        notInArray(tables.runs.state, [...TERMINAL_STATES]),
        or(ne(tables.runs.state, RunState.QUEUED), eq(tables.runs.workflowStarted, true)),
      ),
    )
    .for('update')
    .limit(1);
  return active;
}

/** What a run's plan leaves for its apply: the workspace archive, and the plan as JSON. */
export type ArtifactName = 'workspace' | 'plan.json';

/**
 * Stores the artifacts of a run's plan, the delta it found and the addresses it was limited
 * to (null: none), together.
 */
export async function storePlan(
  db: Database,
  runId: string,
  plan: {
    artifacts: Record<ArtifactName, Buffer>;
    delta: Run['delta'];
    targets?: string[] | null;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [name, content] of Object.entries(plan.artifacts)) {
      await tx
        .insert(tables.runArtifacts)
        .values({ runId, name, content })
        .onConflictDoUpdate({
          target: [tables.runArtifacts.runId, tables.runArtifacts.name],
          set: { content, createdAt: new Date() },
        });
    }
    await tx
      .update(tables.runs)
      .set({ delta: plan.delta, replanTargets: plan.targets ?? null, updatedAt: new Date() })
      .where(eq(tables.runs.id, runId));
  });
}

/** One artifact of a run, by its name; a run has several. */
export async function getArtifact(
  db: Database,
  runId: string,
  name: ArtifactName,
): Promise<Buffer | undefined> {
  const [artifact] = await db
    .select({ content: tables.runArtifacts.content })
    .from(tables.runArtifacts)
    .where(and(eq(tables.runArtifacts.runId, runId), eq(tables.runArtifacts.name, name)));
  return artifact?.content;
}

/** Seconds runs spent working (initializing, planning, applying, performing) since `since`. */
export async function workingSeconds(db: Database, since: Date): Promise<number> {
  // Each working phase lasts until the run's next transition, or until now.
  const phases = db.$with('phases').as(
    db
      .select({
        state: tables.runTransitions.state,
        started: tables.runTransitions.timestamp,
        ended:
          sql<Date>`coalesce(lead(${tables.runTransitions.timestamp}) over (partition by ${tables.runTransitions.runId} order by ${tables.runTransitions.seq}), now())`.as(
            'ended',
          ),
      })
      .from(tables.runTransitions)
      .where(gt(tables.runTransitions.timestamp, since)),
  );
  const [used] = await db
    .with(phases)
    .select({
      seconds: sql<string>`coalesce(sum(extract(epoch from (${phases.ended} - ${phases.started}))), 0)`,
    })
    .from(phases)
    .where(sql`${phases.state} in ${TOOL_STATES}`);
  return Number(used?.seconds ?? 0);
}

/** The newest proposed run of a stack for a merge request: the one its note shows. */
export async function newestProposedRun(
  db: Database,
  stackId: string,
  mergeRequestIid: number,
): Promise<string | undefined> {
  const [newest] = await db
    .select({ id: tables.runs.id })
    .from(tables.runs)
    .where(
      and(
        eq(tables.runs.stackId, stackId),
        eq(tables.runs.type, RunType.PROPOSED),
        eq(tables.runs.mergeRequestIid, mergeRequestIid),
      ),
    )
    .orderBy(desc(tables.runs.id))
    .limit(1);
  return newest?.id;
}

/** A transition for a run its stack's deletion took with it. */
export class RunGoneError extends Error {}
/** A transition for a run that already ended in another state (canceled before it started). */
export class RunAlreadyEndedError extends Error {}

/**
 * Records one state of a run's history and makes it the run's state; the same transition
 * recorded twice is one row. A run that ended in the database (canceled while its workflow was
 * being started) is never taken up again by a workflow that started after all.
 */
export async function recordTransition(
  db: Database,
  input: {
    runId: string;
    seq: number;
    state: RunState;
    timestamp: Date;
    note: string | null;
    username: string | null;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [current] = await tx
      .select({ state: tables.runs.state })
      .from(tables.runs)
      .where(eq(tables.runs.id, input.runId))
      .for('update');
    if (!current) {
      throw new RunGoneError(`run ${input.runId} no longer exists (its stack was deleted)`);
    }
    if (isTerminal(current.state) && current.state !== input.state) {
      throw new RunAlreadyEndedError(
        `run ${input.runId} has already ended ${current.state}; it is not run again`,
      );
    }
    await tx
      .insert(tables.runTransitions)
      .values(input)
      .onConflictDoUpdate({
        target: [tables.runTransitions.runId, tables.runTransitions.seq],
        set: input,
      });
    await tx
      .update(tables.runs)
      .set({ state: input.state, updatedAt: input.timestamp })
      .where(eq(tables.runs.id, input.runId));
  });
}

/** How many runs are in each state that is not an end, by worker pool (null: the public pool). */
export async function activeRunCounts(
  db: Database,
): Promise<Array<{ state: RunState; workerPool: string | null; count: number }>> {
  return db
    .select({
      state: tables.runs.state,
      workerPool: tables.runs.workerPool,
      count: sql<number>`count(*)::int`,
    })
    .from(tables.runs)
    .where(notInArray(tables.runs.state, [...TERMINAL_STATES]))
    .groupBy(tables.runs.state, tables.runs.workerPool);
}

/** Sets the note of one transition of a run's history, keeping its state, time and person. */
export async function noteTransition(
  db: Database,
  input: { runId: string; seq: number; note: string },
): Promise<void> {
  await db
    .update(tables.runTransitions)
    .set({ note: input.note })
    .where(
      and(eq(tables.runTransitions.runId, input.runId), eq(tables.runTransitions.seq, input.seq)),
    );
}

/** A run as it is first stored. */
export type NewRun = typeof tables.runs.$inferInsert;

/** One run, or undefined when there is none with that id. */
export async function runById(db: Database, runId: string): Promise<Run | undefined> {
  const [run] = await db.select().from(tables.runs).where(eq(tables.runs.id, runId));
  return run;
}

/**
 * Refuses, inside `tx`, while a run of the stack is under way. A run whose workflow was never
 * started (Temporal was unreachable) is only a row and does not count: it goes with the stack,
 * and should the reconciler start it at that very moment, its workflow finds it gone and fails
 * at its first step.
 */
export async function refuseWhileRunning(tx: Transaction, stackId: string): Promise<void> {
  const active = await activeRunOf(tx, stackId);
  if (active) {
    throw new ConflictError(
      `stack "${stackId}" has run ${active.id} in ${active.state}; stop, cancel or discard it first`,
    );
  }
}

/** What storing a run came to; `superseded` for a new PROPOSED run (see storeRun). */
export interface StoredRun {
  run: Run;
  created: boolean;
  newlyLinked: boolean;
  /**
   * The stack's unfinished PROPOSED runs of the new proposed run's branch stored before it, by
   * id: a newer push makes them moot. Empty for other runs and for a run found again.
   */
  superseded: string[];
}

/**
 * Stores a new QUEUED run with its first transition, or finds the run of its dedupe key again
 * (linking it to `mergeRequestIid` if it had no merge request). A stack being deleted takes no
 * run; a destroy run marks it, and only when none is under way.
 *
 * A new run other than a destroy run is stored in one statement: it holds the stack's row
 * for share, so it is stored before a destroy run marks the stack or sees that mark, and
 * nothing waits between statements on the way. With `tracking`, that commit becomes the
 * stack's tracked commit too: in the same statement when it stores the run, and after it when
 * the run is found again.
 */
export async function storeRun(
  db: Database,
  values: NewRun & { createdAt: Date; mergeRequestIid: number | null },
  options: { tracking?: TrackedCommit } = {},
): Promise<StoredRun> {
  if (values.destroy) return storeInTransaction(db, values);
  const { columns, values: given } = insertSelect(tables.runs, values);
  const column = (of: { name: string }) => sql.identifier(of.name);
  const transitions = tables.runTransitions;
  const proposed = values.type === RunType.PROPOSED;
  const { rows } = await db.execute<Record<string, unknown>>(sql`
    with stack as (${stackHeldForRun(values.stackId, { writes: Boolean(options.tracking) })}),
    inserted as (
      insert into ${tables.runs} (${columns})
      select ${given} from stack where not stack.deleting
      on conflict (${column(tables.runs.dedupeKey)}) do nothing
      returning *
    ),
    first_transition as (
      insert into ${transitions} (${column(transitions.runId)}, ${column(transitions.seq)}, ${column(transitions.state)}, ${column(transitions.timestamp)})
      select inserted.id, ${QUEUED_SEQ}, ${RunState.QUEUED}, ${sql.param(values.createdAt, transitions.timestamp)}::timestamptz
      from inserted
    )${
      options.tracking
        ? sql`,
    tracked as (${trackCommitWithRun(values.stackId, options.tracking, values.createdAt, sql`exists (select 1 from inserted)`)})`
        : sql``
    }
    select
      (select deleting from stack) as stack_deleting,
      ${proposed ? unfinishedProposedIds(values.stackId, values.branch) : sql`'[]'::json`} as superseded,
      inserted.*
    from (select 1) as one left join inserted on true`);
  const row = rows[0]!;
  if (row.stack_deleting === null)
    throw new NotFoundError(`stack "${values.stackId}" does not exist`);
  if (row.stack_deleting === true) throw deletingConflict(values.stackId);
  // The dedupe key's run is there already: found again, in a transaction of its own.
  if (row.id === null) {
    const stored = await storeInTransaction(db, values);
    // A redelivered push is still the branch's head it was: the stack tracks it all the same.
    if (options.tracking) {
      await db.execute(
        trackCommitWithRun(values.stackId, options.tracking, values.createdAt, sql`true`),
      );
    }
    return stored;
  }
  const run = rowOf(tables.runs, row);
  const superseded = (row.superseded as string[]).filter((id) => id < run.id);
  return { run, created: true, newlyLinked: false, superseded };
}

/** The ids of a stack's unfinished PROPOSED runs of `branch`, as a JSON array, in id order. */
function unfinishedProposedIds(stackId: string, branch: string) {
  return sql`(
    select coalesce(json_agg(${tables.runs.id} order by ${tables.runs.id}), '[]'::json)
    from ${tables.runs}
    where ${and(
      eq(tables.runs.stackId, stackId),
      eq(tables.runs.type, RunType.PROPOSED),
      eq(tables.runs.branch, branch),
      notInArray(tables.runs.state, [...TERMINAL_STATES]),
    )}
  )`;
}

/** storeRun for a destroy run, and for a run its dedupe key finds again. */
async function storeInTransaction(
  db: Database,
  values: NewRun & { createdAt: Date; mergeRequestIid: number | null },
): Promise<StoredRun> {
  const now = values.createdAt;
  return db.transaction(async (tx) => {
    await holdStackForRun(tx, values.stackId, values.destroy ?? false);
    if (values.destroy) await refuseWhileRunning(tx, values.stackId);
    const [inserted] = await tx
      .insert(tables.runs)
      .values(values)
      .onConflictDoNothing({ target: tables.runs.dedupeKey })
      .returning();
    if (!inserted) {
      const [existing] = await tx
        .select()
        .from(tables.runs)
        .where(eq(tables.runs.dedupeKey, values.dedupeKey!));
      if (values.mergeRequestIid === null || existing!.mergeRequestIid !== null) {
        return { run: existing!, created: false, newlyLinked: false, superseded: [] };
      }
      const [linked] = await tx
        .update(tables.runs)
        .set({ mergeRequestIid: values.mergeRequestIid, updatedAt: now })
        .where(eq(tables.runs.id, existing!.id))
        .returning();
      return { run: linked!, created: false, newlyLinked: true, superseded: [] };
    }
    await tx
      .insert(tables.runTransitions)
      .values({ runId: inserted.id, seq: QUEUED_SEQ, state: RunState.QUEUED, timestamp: now });
    return { run: inserted, created: true, newlyLinked: false, superseded: [] };
  });
}

/**
 * Ends a QUEUED run whose workflow has not been started in `state`, recording the transition;
 * false (and nothing written) if its workflow has been, or is being, started.
 */
export async function endUnstartedRun(
  db: Database,
  runId: string,
  state: RunState,
  note: string,
  username?: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const [ended] = await tx
      .update(tables.runs)
      .set({ state, updatedAt: now })
      .where(
        and(
          eq(tables.runs.id, runId),
          eq(tables.runs.state, RunState.QUEUED),
          eq(tables.runs.workflowStarted, false),
        ),
      )
      .returning({ id: tables.runs.id });
    if (!ended) return false;
    const [last] = await tx
      .select({ seq: max(tables.runTransitions.seq) })
      .from(tables.runTransitions)
      .where(eq(tables.runTransitions.runId, runId));
    await tx.insert(tables.runTransitions).values({
      runId,
      seq: (last?.seq ?? 0) + 1,
      state,
      note,
      username: username ?? null,
      timestamp: now,
    });
    return true;
  });
}

/** The QUEUED runs whose workflow has not been started, oldest first, at most 100. */
export async function unstartedRuns(db: Database): Promise<Run[]> {
  return db
    .select()
    .from(tables.runs)
    .where(and(eq(tables.runs.workflowStarted, false), eq(tables.runs.state, RunState.QUEUED)))
    .orderBy(asc(tables.runs.id))
    .limit(100);
}

/**
 * Claims a QUEUED run whose workflow has not been started, marking it started; false when
 * another process claimed it first or it is no longer QUEUED.
 */
export async function claimUnstartedRun(db: Database, runId: string): Promise<boolean> {
  const [claimed] = await db
    .update(tables.runs)
    .set({ workflowStarted: true })
    .where(
      and(
        eq(tables.runs.id, runId),
        eq(tables.runs.state, RunState.QUEUED),
        eq(tables.runs.workflowStarted, false),
      ),
    )
    .returning({ id: tables.runs.id });
  return claimed !== undefined;
}

/** Gives back the claim on a run whose workflow could not be started, for the reconciler. */
export async function releaseUnstartedRun(db: Database, runId: string): Promise<void> {
  await db.update(tables.runs).set({ workflowStarted: false }).where(eq(tables.runs.id, runId));
}

/** A run's history of states, in order. */
export async function historyOf(db: Database, runId: string): Promise<RunTransition[]> {
  const [history] = await histories(db, [runId]);
  return history!;
}

/** The number of a run's latest transition, or undefined when it has none. */
export async function lastTransitionSeq(db: Database, runId: string): Promise<number | undefined> {
  const [last] = await db
    .select({ seq: tables.runTransitions.seq })
    .from(tables.runTransitions)
    .where(eq(tables.runTransitions.runId, runId))
    .orderBy(desc(tables.runTransitions.seq))
    .limit(1);
  return last?.seq;
}

/** The columns of a run its view shows, with its stack's id; undefined once the run is gone. */
export async function runForView(db: Database, runId: string) {
  const [row] = await db
    .select({
      id: tables.runs.id,
      type: tables.runs.type,
      state: tables.runs.state,
      branch: tables.runs.branch,
      isTag: tables.runs.isTag,
      commitHash: tables.runs.commitHash,
      commitMessage: tables.runs.commitMessage,
      commitUrl: tables.runs.commitUrl,
      command: tables.runs.command,
      delta: tables.runs.delta,
      mergeRequestIid: tables.runs.mergeRequestIid,
      stackId: tables.runs.stackId,
    })
    .from(tables.runs)
    .where(eq(tables.runs.id, runId));
  return row;
}

/** A run's latest confirmation or discard and who made it, or undefined while there is none. */
export async function lastDecisionOf(
  db: Database,
  runId: string,
): Promise<{ state: RunState; username: string | null } | undefined> {
  const [decided] = await db
    .select({ state: tables.runTransitions.state, username: tables.runTransitions.username })
    .from(tables.runTransitions)
    .where(
      and(
        eq(tables.runTransitions.runId, runId),
        inArray(tables.runTransitions.state, [RunState.CONFIRMED, RunState.DISCARDED]),
      ),
    )
    .orderBy(desc(tables.runTransitions.seq))
    .limit(1);
  return decided;
}

const LOG_PAGE_SIZE = 100;

/**
 * Pages of phases' logs, for any number of runs at once: one query for their histories and
 * one per distinct (state, visit, token) for the lines, each run's page cut by a window
 * function. A page's token is the number of its last line; a visit is finished once its run
 * moved on from it.
 */
export async function readLogPages(
  db: Database,
  requests: readonly LogPageRequest[],
): Promise<Array<LogPage | LogTokenError>> {
  const afters = requests.map((request) => {
    try {
      return lineAfter(request.token);
    } catch (error) {
      return error as LogTokenError;
    }
  });
  const runIds = [...new Set(requests.map((request) => request.runId))];
  const transitions = await db
    .select({ runId: tables.runTransitions.runId, state: tables.runTransitions.state })
    .from(tables.runTransitions)
    .where(inArray(tables.runTransitions.runId, runIds))
    .orderBy(asc(tables.runTransitions.runId), asc(tables.runTransitions.seq));
  const histories = new Map<string, string[]>(runIds.map((id) => [id, []]));
  for (const row of transitions) histories.get(row.runId)!.push(row.state);

  const groups = new Map<
    string,
    { state: RunState; stateVersion: number; after: number; runIds: Set<string> }
  >();
  requests.forEach((request, index) => {
    const after = afters[index]!;
    if (after instanceof LogTokenError) return;
    const stateVersion = request.stateVersion ?? 0;
    const key = `${request.state}/${stateVersion}/${after}`;
    const group = groups.get(key) ?? {
      state: request.state,
      stateVersion,
      after,
      runIds: new Set(),
    };
    group.runIds.add(request.runId);
    groups.set(key, group);
  });
  const lines = new Map<string, Array<{ seq: number; message: string; timestamp: Date }>>();
  for (const [key, group] of groups) {
    const numbered = db
      .select({
        runId: tables.runLogs.runId,
        seq: tables.runLogs.seq,
        message: tables.runLogs.message,
        timestamp: tables.runLogs.timestamp,
        rank: sql<number>`row_number() over (partition by ${tables.runLogs.runId} order by ${tables.runLogs.seq})`.as(
          'rank',
        ),
      })
      .from(tables.runLogs)
      .where(
        and(
          inArray(tables.runLogs.runId, [...group.runIds]),
          eq(tables.runLogs.state, group.state),
          eq(tables.runLogs.stateVersion, group.stateVersion),
          gt(tables.runLogs.seq, group.after),
        ),
      )
      .as('numbered');
    const rows = await db
      .select()
      .from(numbered)
      .where(sql`${numbered.rank} <= ${LOG_PAGE_SIZE + 1}`)
      .orderBy(asc(numbered.runId), asc(numbered.seq));
    for (const row of rows) {
      const list = lines.get(`${key}/${row.runId}`) ?? [];
      list.push(row);
      lines.set(`${key}/${row.runId}`, list);
    }
  }

  return requests.map((request, index) => {
    const after = afters[index]!;
    if (after instanceof LogTokenError) return after;
    const stateVersion = request.stateVersion ?? 0;
    const found = lines.get(`${request.state}/${stateVersion}/${after}/${request.runId}`) ?? [];
    const history = histories.get(request.runId) ?? [];
    const entered = visitIndex(history, request.state, stateVersion);
    const page = found.slice(0, LOG_PAGE_SIZE);
    // A visit the run never made and, having ended, never will is as finished as one it left.
    const ended = history.length > 0 && isTerminal(history.at(-1) as RunState);
    return {
      exists: entered >= 0,
      finished: entered >= 0 ? entered < history.length - 1 : ended,
      hasMore: found.length > LOG_PAGE_SIZE,
      messages: page.map((line) => ({ message: line.message, timestamp: line.timestamp })),
      nextToken: String(page.at(-1)?.seq ?? after),
    };
  });
}

/** Where in a run's history it entered `state` for the `stateVersion`th time after the first; -1 if it has not. */
function visitIndex(history: readonly string[], state: string, stateVersion: number): number {
  let seen = 0;
  for (const [index, entered] of history.entries()) {
    if (entered !== state) continue;
    if (seen === stateVersion) return index;
    seen += 1;
  }
  return -1;
}

/**
 * The visit to `state` the run is on: how many times it was in that state before its latest
 * entry to it (0 the first time). A phase writes its log under this visit.
 */
export async function currentVisit(db: Database, runId: string, state: RunState): Promise<number> {
  const [visits] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(tables.runTransitions)
    .where(and(eq(tables.runTransitions.runId, runId), eq(tables.runTransitions.state, state)));
  return Math.max(0, (visits?.count ?? 0) - 1);
}

/** The number of the last log line of a visit to a run's phase, or 0. */
export async function lastLogLine(
  db: Database,
  runId: string,
  state: RunState,
  stateVersion: number,
): Promise<number> {
  const [last] = await db
    .select({ seq: max(tables.runLogs.seq) })
    .from(tables.runLogs)
    .where(
      and(
        eq(tables.runLogs.runId, runId),
        eq(tables.runLogs.state, state),
        eq(tables.runLogs.stateVersion, stateVersion),
      ),
    );
  return last?.seq ?? 0;
}

/** Appends numbered log lines of a visit to a run's phase; a line written before is kept as it was. */
export async function appendLogLines(
  db: Database,
  runId: string,
  visit: { state: RunState; stateVersion: number },
  lines: Array<{ seq: number; message: string; timestamp: Date }>,
): Promise<void> {
  await db
    .insert(tables.runLogs)
    .values(lines.map((line) => ({ runId, ...visit, ...line })))
    .onConflictDoNothing();
}

/** Records a person's review of a run. */
export async function addRunReview(
  db: Database,
  review: Omit<RunReview, 'id' | 'createdAt'>,
): Promise<RunReview> {
  const [stored] = await db
    .insert(tables.runReviews)
    .values({ id: ulid(), ...review })
    .returning();
  return stored!;
}

/** Each run's reviews, oldest first. */
export async function reviewsOf(db: Database, runIds: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.runReviews)
    .where(inArray(tables.runReviews.runId, [...runIds]))
    .orderBy(asc(tables.runReviews.id));
  return groupedBy<string, RunReview>(runIds, rows, (row) => row.runId);
}

/** Marks a run prioritized, or no longer; the run as it is now. */
export async function setRunPrioritized(
  db: Database,
  runId: string,
  isPrioritized: boolean,
): Promise<Run | undefined> {
  const [run] = await db
    .update(tables.runs)
    .set({ isPrioritized, updatedAt: new Date() })
    .where(eq(tables.runs.id, runId))
    .returning();
  return run;
}

/**
 * What a rollback of a stack goes between: `current`, its newest tracked run that applied
 * changes (it went through APPLYING: FINISHED, or FAILED with its commit partly applied), and
 * `target`, the newest FINISHED tracked run before it at another commit: the last commit the
 * stack was whole at. Runs that changed nothing (no changes to apply, or failed before
 * applying) are not what a rollback undoes.
 */
export async function rollbackRuns(
  db: Database,
  stackId: string,
): Promise<{ current: Run | undefined; target: Run | undefined }> {
  const runs = tables.runs;
  const tracked = and(eq(runs.stackId, stackId), eq(runs.type, RunType.TRACKED));
  const applied = sql`exists (select 1 from ${tables.runTransitions} t where t.run_id = ${runs.id} and t.state = ${RunState.APPLYING})`;
  const [current] = await db
    .select()
    .from(runs)
    .where(and(tracked, inArray(runs.state, [RunState.FINISHED, RunState.FAILED]), applied))
    .orderBy(desc(runs.id))
    .limit(1);
  if (!current) return { current: undefined, target: undefined };
  const [target] = await db
    .select()
    .from(runs)
    .where(
      and(
        tracked,
        eq(runs.state, RunState.FINISHED),
        lt(runs.id, current.id),
        ne(runs.commitHash, current.commitHash),
      ),
    )
    .orderBy(desc(runs.id))
    .limit(1);
  return { current, target };
}

/**
 * A rollback of the stack from its run `from` that has not ended: one proposal's run, while
 * another proposal of the same rollback is pressed.
 */
export async function unfinishedRollback(
  db: Database,
  stackId: string,
  from: string,
): Promise<Run | undefined> {
  const runs = tables.runs;
  const [found] = await db
    .select()
    .from(runs)
    .where(
      and(
        eq(runs.stackId, stackId),
        sql`starts_with(${runs.dedupeKey}, ${`rollback/${stackId}/${from}/`})`,
        notInArray(runs.state, [...TERMINAL_STATES]),
      ),
    )
    .limit(1);
  return found;
}
