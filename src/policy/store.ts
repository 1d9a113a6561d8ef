import { asc, inArray } from 'drizzle-orm';
import { groupedBy, oneBy } from '../db/batch';
import type { Database } from '../db';
import * as tables from './tables';

/** Batch reads of policies and their attachments, for the API's loaders. */

export async function policiesByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.policies)
    .where(inArray(tables.policies.id, [...ids]));
  return oneBy(ids, rows, (row) => row.id);
}

/** The policies attached to each stack, by policy id. */
export async function attachmentsOfStacks(db: Database, stackIds: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.policyAttachments)
    .where(inArray(tables.policyAttachments.stackId, [...stackIds]))
    .orderBy(asc(tables.policyAttachments.policyId));
  return groupedBy(stackIds, rows, (row) => row.stackId);
}

/** The stacks each policy is attached to, by stack id. */
export async function attachmentsOfPolicies(db: Database, policyIds: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.policyAttachments)
    .where(inArray(tables.policyAttachments.policyId, [...policyIds]))
    .orderBy(asc(tables.policyAttachments.stackId));
  return groupedBy(policyIds, rows, (row) => row.policyId);
}
