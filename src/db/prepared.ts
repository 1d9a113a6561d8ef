import type { Database, Transaction } from '.';

/**
 * The name prepared queries are given: none. A named statement lives in one server connection,
 * which a pooler in transaction mode (PgBouncer's) does not keep for Gantry; unnamed, the
 * server parses it each time, and what is saved is building its SQL.
 */
export const UNNAMED = '';

/**
 * A query built once per database (and per transaction it runs in) and then run as built,
 * with its placeholders filled each time (drizzle's prepared queries, `.prepare(UNNAMED)`). On
 * the paths every request takes, building a query's SQL costs about as much as PGlite running
 * it.
 */
export function preparedOnce<Query>(
  build: (db: Database | Transaction) => Query,
): (db: Database | Transaction) => Query {
  const built = new WeakMap<Database | Transaction, Query>();
  return (db) => {
    let query = built.get(db);
    if (query === undefined) {
      query = build(db);
      built.set(db, query);
    }
    return query;
  };
}
