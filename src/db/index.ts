import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { lockDirectory } from '../platform/embedded';
import { pgliteChangeFeed, postgresChangeFeed, type ChangeFeed } from './changes';
import type { Logger } from '../platform/logger';

/** What raw `db.execute` gives on both drivers: PGlite's results and node-postgres' share `rows`. */
export interface QueryResultHKT extends PgQueryResultHKT {
  readonly type: QueryRows<this['row']>;
}
interface QueryRows<Row> {
  rows: Row[];
}

/** Queries are written with each noun's tables; the database itself knows none of them. */
export type Database = PgDatabase<QueryResultHKT>;

/** The transaction `db.transaction` hands its callback. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DatabaseOptions {
  /** A PostgreSQL URL; without one the database is PGlite. */
  url?: string;
  /** Where PGlite keeps its files; without one PGlite lives in memory. */
  dataDir?: string;
  /** A PGlite data dir dumped by `dumpDataDir` to start from, which skips initdb. */
  loadDataDir?: Blob;
  /** A PostgreSQL schema to work in (migrate creates it) instead of the URL's search path. */
  schema?: string;
  logger?: Logger;
}

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** The PGlite instance, when the database is PGlite. */
  pglite?: PGlite;
  /** Which cached tables change, as this process hears it (./changes.ts). */
  changes: ChangeFeed;
  /** Applies every migration not yet applied; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = path.join(__dirname, 'migrations');
// Any constant works; it only has to be the same in every Gantry process.
const MIGRATION_LOCK_KEY = 7_140_251_903;

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.url ? openPostgres(options.url, options) : openPglite(options);
}

function openPostgres(url: string, options: DatabaseOptions): DatabaseHandle {
  const schemaName = options.schema;
  if (schemaName !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schemaName)) {
    throw new Error(`opening database: schema name "${schemaName}" is not a plain identifier`);
  }
  const connection: pg.ClientConfig = {
    connectionString: url,
    ...(schemaName ? { options: `-c search_path=${schemaName}` } : {}),
  };
  const pool = new pg.Pool({ ...connection, max: 10 });
  // An idle connection dropped by the server must not crash the process; the pool reconnects.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'postgres connection lost'));
  const db: Database = drizzlePg(pool);
  const changes = postgresChangeFeed(connection, options.logger);

  return {
    db,
    kind: 'postgres',
    changes,
    async migrate() {
      // A dedicated connection holds the advisory lock for the whole migration, so two
      // processes starting together apply each migration once.
      const client = new pg.Client(connection);
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        if (schemaName) await client.query(`create schema if not exists ${schemaName}`);
        // The record of applied migrations lives beside the tables, in the first schema of the
        // search path, so that a URL naming another search path gets a database of its own.
        const { rows } = await client.query<{ schema: string | null }>(
          'select current_schema() as schema',
        );
        const migrationsSchema = rows[0]?.schema;
        if (!migrationsSchema) {
          throw new Error(
            'migrating database: no schema of the search path exists; create it or fix the search_path in DATABASE_URL',
          );
        }
        await migratePg(drizzlePg(client), { migrationsFolder, migrationsSchema });
      } finally {
        await client.end();
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await changes.close();
      await pool.end();
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<DatabaseHandle> {
  let release: (() => Promise<void>) | undefined;
  if (options.dataDir) {
    // PGlite is one process's database: a second process opening the same files corrupts them.
    release = await lockDirectory(options.dataDir, {
      busyMessage:
        `opening database: another Gantry process is using the embedded database in "${options.dataDir}"; ` +
        'stop it first, or set DATABASE_URL to share a PostgreSQL server between processes',
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  try {
    const client = await PGlite.create(options.dataDir, {
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    const db: Database = drizzlePglite(client);
    const changes = pgliteChangeFeed(client);
    return {
      db,
      kind: 'pglite',
      pglite: client,
      changes,
      async migrate() {
        await migratePglite(drizzlePglite(client), {
          migrationsFolder,
          migrationsSchema: 'public',
        });
      },
      async ping() {
        await client.query('select 1');
      },
      async close() {
        await changes.close();
        await client.close();
        await release?.();
      },
    };
  } catch (error) {
    await release?.();
    throw error;
  }
}
