import { and, asc, eq, gt, inArray, max, sql } from 'drizzle-orm';
import type { Database } from '../db';
import type { RunState } from './types';
import * as tables from './tables';
import { ConflictError } from '../platform/errors';

const LOG_PAGE_SIZE = 100;
// Log lines are numbered in an integer column.
const MAX_LINE_NUMBER = 2 ** 31 - 1;

export interface LogPageRequest {
  runId: string;
  state: RunState;
  /** The last line number a page gave out; none for the first page. */
  token?: string;
}

export interface LogPage {
  exists: boolean;
  finished: boolean;
  hasMore: boolean;
  messages: Array<{ message: string; timestamp: Date }>;
  nextToken: string;
}

/** A token the API did not give out; the message says so. */
export class LogTokenError extends ConflictError {
  constructor(token: string) {
    super(`log token "${token}" is not one this API gave out`);
    this.name = 'LogTokenError';
  }
}

function lineAfter(token: string | undefined): number {
  if (token === undefined) return 0;
  const after = /^\d{1,10}$/.test(token) ? Number(token) : NaN;
  if (!(after >= 0 && after <= MAX_LINE_NUMBER)) throw new LogTokenError(token);
  return after;
}

/**
 * Pages of phases' logs, for any number of runs at once: one query for their histories and
 * one per distinct (state, token) for the lines, each run's page cut by a window function. A
 * page's token is the number of its last line; a phase is finished once its run moved on.
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

  const groups = new Map<string, { state: RunState; after: number; runIds: Set<string> }>();
  requests.forEach((request, index) => {
    const after = afters[index]!;
    if (after instanceof LogTokenError) return;
    const key = `${request.state}/${after}`;
    const group = groups.get(key) ?? { state: request.state, after, runIds: new Set() };
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
    const found = lines.get(`${request.state}/${after}/${request.runId}`) ?? [];
    const history = histories.get(request.runId) ?? [];
    const entered = history.indexOf(request.state);
    const page = found.slice(0, LOG_PAGE_SIZE);
    return {
      exists: entered >= 0,
      finished: entered >= 0 && entered < history.length - 1,
      hasMore: found.length > LOG_PAGE_SIZE,
      messages: page.map((line) => ({ message: line.message, timestamp: line.timestamp })),
      nextToken: String(page.at(-1)?.seq ?? after),
    };
  });
}

/** The number of the last log line of a run's phase, or 0. */
export async function lastLogLine(db: Database, runId: string, state: RunState): Promise<number> {
  const [last] = await db
    .select({ seq: max(tables.runLogs.seq) })
    .from(tables.runLogs)
    .where(and(eq(tables.runLogs.runId, runId), eq(tables.runLogs.state, state)));
  return last?.seq ?? 0;
}

/** Appends numbered log lines of a run's phase; a line written before is kept as it was. */
export async function appendLogLines(
  db: Database,
  runId: string,
  state: RunState,
  lines: Array<{ seq: number; message: string; timestamp: Date }>,
): Promise<void> {
  await db
    .insert(tables.runLogs)
    .values(lines.map((line) => ({ runId, state, ...line })))
    .onConflictDoNothing();
}
