import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '.';

/** A table whose rows can be claimed: it has `claimed_by` and `claimed_until` columns. */
export type ClaimedTable = PgTable;

// Longer than a delivery may take (its activity times out after a minute), so a claim only
// expires when its holder is gone.
const CLAIM_SECONDS = 90;
const WAIT_MS = 20_000;
const POLL_MS = 100;

/** Another delivery held the claim for longer than this one would wait; Temporal tries again. */
export class ClaimBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimBusyError';
  }
}

/**
 * Runs `work` while holding the row `key` of `table`, waiting for a delivery that holds it.
 * The claim is a lease written in the row rather than a lock held in a transaction: GitLab
 * may take seconds to answer, and an open transaction would hold a connection (all of PGlite)
 * for as long.
 */
export async function withClaim<T>(
  db: Database,
  table: ClaimedTable,
  key: SQL,
  what: string,
  work: () => Promise<T>,
): Promise<T> {
  const owner = randomUUID();
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const claimed = await db.execute(sql`
      update ${table}
      set claimed_by = ${owner}, claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS})
      where ${key} and (claimed_until is null or claimed_until < now())
      returning claimed_by`);
    if (claimed.rows.length > 0) break;
    if (Date.now() > deadline) {
      throw new ClaimBusyError(`posting ${what}: another delivery is still posting it`);
    }
    await sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    await db.execute(sql`
      update ${table} set claimed_by = null, claimed_until = null
      where ${key} and claimed_by = ${owner}`);
  }
}
