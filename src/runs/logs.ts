import type { RunState } from './types';
import { ConflictError } from '../platform/errors';

/*
 * A phase's logs, one per visit to its state, are read a page at a time (readLogPages in ./store.ts); a page's token is the
 * number of its last line.
 */

// Log lines are numbered in an integer column.
const MAX_LINE_NUMBER = 2 ** 31 - 1;

export interface LogPageRequest {
  runId: string;
  state: RunState;
  /** Which visit to the state (RunStateTransition.stateVersion); the first, 0, unless given. */
  stateVersion?: number;
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
  }
}

/**
 * The number of the last line the page that gave out `token` held (0 without one); a token the
 * API never gave out is a LogTokenError.
 */
export function lineAfter(token: string | undefined): number {
  if (token === undefined) return 0;
  const after = /^\d{1,10}$/.test(token) ? Number(token) : NaN;
  if (!(after >= 0 && after <= MAX_LINE_NUMBER)) throw new LogTokenError(token);
  return after;
}
