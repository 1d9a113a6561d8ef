import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db';

export type DatabaseTarget = { kind: 'pglite' } | { kind: 'postgres'; url: string };

/**
 * The databases the database tests run against: PGlite always, and the PostgreSQL server at
 * DATABASE_URL when it is set (CI sets it).
 */
export function databaseTargets(): DatabaseTarget[] {
  const url = process.env.DATABASE_URL;
  return [{ kind: 'pglite' }, ...(url ? [{ kind: 'postgres' as const, url }] : [])];
}

export interface TestDatabase extends DatabaseHandle {
  /** The schema the test works in on PostgreSQL. */
  schemaName?: string;
}

/**
 * A fresh, migrated database: an in-memory PGlite, or a new schema on the PostgreSQL server
 * that is dropped again on close.
 */
export async function openTestDatabase(target: DatabaseTarget): Promise<TestDatabase> {
  if (target.kind === 'pglite') {
    const handle = await openDatabase({ loadDataDir: await migratedPgliteTemplate() });
    await handle.migrate();
    return handle;
  }
  const schemaName = `test_${randomBytes(6).toString('hex')}`;
  const handle = await openDatabase({ url: target.url, schema: schemaName });
  await handle.migrate();
  return {
    ...handle,
    schemaName,
    async close() {
      await handle.close();
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schemaName} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * PGlite spends seconds in initdb on every new database; tests start from a dump of a migrated
 * one instead, kept in the temp dir for as long as src/db stays the same.
 */
async function migratedPgliteTemplate(): Promise<Blob> {
  // Keyed by the migrations and the code that applies them.
  const dbDir = path.join(__dirname, '../../src/db');
  const hash = createHash('sha256');
  for (const file of (await fs.readdir(dbDir, { recursive: true })).sort()) {
    const full = path.join(dbDir, file);
    if ((await fs.stat(full)).isFile()) hash.update(file).update(await fs.readFile(full));
  }
  const file = path.join(os.tmpdir(), `gantry-test-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  const cached = await fs.readFile(file).catch(() => undefined);
  if (cached) return new Blob([cached]);

  const fresh = await openDatabase({});
  try {
    await fresh.migrate();
    const dump = await fresh.pglite!.dumpDataDir('none');
    const temporary = `${file}.${process.pid}`;
    await fs.writeFile(temporary, Buffer.from(await dump.arrayBuffer()));
    await fs.rename(temporary, file);
    return dump;
  } finally {
    await fresh.close();
  }
}
