import type { Database } from '../src/db';
import type { Logger } from '../src/logger';

/** What activities need from the process that runs them; injected so tests can supply their own. */
export interface ActivityDependencies {
  db: Database;
  logger: Logger;
}

/**
 * Builds the activities the worker registers. Every activity is safe to retry: Temporal may run
 * one again after a worker dies part-way through it.
 */
export function createActivities(_deps: ActivityDependencies) {
  return {};
}
