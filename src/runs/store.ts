import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  lt,
  lte,
  ne,
  notInArray,
  or,
  sql,
} from 'drizzle-orm';
import { groupedBy, oneBy } from '../db/batch';
import type { Database, Transaction } from '../db';
import * as tables from './tables';
import type { Run, RunTransition } from './tables';

export type { Run, RunTransition } from './tables';
import { isTerminal, RunState, RunType, TERMINAL_STATES } from './types';

/**
 * The runs noun's reads and writes that more than one module needs: batch reads for the API's
 * loaders, the blocker and the run pages (one query each, used by the service and the loaders
 * alike), and the artifacts one phase leaves for the next.
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

/** Each stack's state: that of its latest tracked run that started, or NONE. */
export async function stackStates(db: Database, stackIds: readonly string[]) {
  const rows = await db
    .selectDistinctOn([tables.runs.stackId], {
      stackId: tables.runs.stackId,
      state: tables.runs.state,
    })
    .from(tables.runs)
    .where(
      and(
        inArray(tables.runs.stackId, [...stackIds]),
        eq(tables.runs.type, RunType.TRACKED),
        inArray(tables.runs.state, STACK_STATES),
      ),
    )
    .orderBy(tables.runs.stackId, desc(tables.runs.id));
  return oneBy(stackIds, rows, (row) => row.stackId).map((row) => row?.state ?? 'NONE');
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

/** One page of runs, newest first. */
export type RunPage = Run[];

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

/** The first page of one list of runs of each of `stackIds`, in one query. */
export async function firstRunPages(
  db: Database,
  list: RunList,
  stackIds: readonly string[],
): Promise<Map<string, Run[]>> {
  const byStack = new Map<string, Run[]>();
  if (stackIds.length === 0) return byStack;
  const ranked = db
    .select({
      id: tables.runs.id,
      rank: sql<number>`row_number() over (partition by ${tables.runs.stackId} order by ${tables.runs.id} desc)`.as(
        'rank',
      ),
    })
    .from(tables.runs)
    .where(and(inArray(tables.runs.stackId, [...stackIds]), eq(tables.runs.type, RUN_TYPES[list])))
    .as('ranked');
  // Flat rows: drizzle maps them much faster than rows nested under a key.
  const runs = await db
    .select(getTableColumns(tables.runs))
    .from(tables.runs)
    .innerJoin(ranked, eq(ranked.id, tables.runs.id))
    .where(lte(ranked.rank, RUN_PAGE_SIZE))
    .orderBy(desc(tables.runs.id));
  for (const run of runs) {
    const page = byStack.get(run.stackId);
    if (page) page.push(run);
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

/** The states of each run that have log lines. */
export async function loggedStates(db: Database, runIds: readonly string[]) {
  const rows = await db
    .selectDistinct({ runId: tables.runLogs.runId, state: tables.runLogs.state })
    .from(tables.runLogs)
    .where(inArray(tables.runLogs.runId, [...runIds]));
  return groupedBy(runIds, rows, (row) => row.runId).map(
    (states) => new Set<string>(states.map((row) => row.state)),
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

/** Stores the artifacts of a run's plan and the delta it found, together. */
export async function storePlan(
  db: Database,
  runId: string,
  plan: { artifacts: Record<ArtifactName, Buffer>; delta: Run['delta'] },
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
      .set({ delta: plan.delta, updatedAt: new Date() })
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

const WORKING_STATES = [
  RunState.INITIALIZING,
  RunState.PLANNING,
  RunState.APPLYING,
  RunState.PERFORMING,
];

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
    .where(sql`${phases.state} in ${WORKING_STATES}`);
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
