import type { Database, Transaction } from '.';

/**
 * A query built once per database (and per transaction it runs in) and then run as built,
 * with its placeholders filled each time (drizzle's prepared queries). On the paths every
 * request takes, building a query's SQL costs about as much as PGlite running it; PostgreSQL
 * also prepares a named one once per connection.
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
