import { asc, eq, inArray, sql } from 'drizzle-orm';
import { ulid } from '../platform/ids';
import { groupedBy, oneBy } from '../db/batch';
import type { Database } from '../db';
import * as tables from './tables';
import type { Policy, PolicyAttachment } from './tables';

export type { Policy, PolicyAttachment } from './tables';

/**
 * The policy noun's reads and writes: policies and their attachments as admins manage them,
 * what the evaluator loads and what access decisions read, and batch reads for the API's loaders.
 */

type NewPolicy = typeof tables.policies.$inferInsert;

/** A policy attached to a stack, at its version when read. */
type AttachedPolicy = { id: string; version: number };

/** The columns of a policy an update writes. */
export type PolicyChanges = Pick<
  NewPolicy,
  'wasm' | 'name' | 'body' | 'labels' | 'description' | 'space'
>;

/** Every policy, by id. */
export function allPolicies(db: Database): Promise<Policy[]> {
  return db.select().from(tables.policies).orderBy(asc(tables.policies.id));
}

/** Writes a new policy; undefined when a policy has its id. */
export async function addPolicy(db: Database, policy: NewPolicy): Promise<Policy | undefined> {
  const [added] = await db.insert(tables.policies).values(policy).onConflictDoNothing().returning();
  return added;
}

/** Writes a policy's changes under a new version; undefined when it does not exist. */
export async function changePolicy(
  db: Database,
  id: string,
  changes: PolicyChanges,
): Promise<Policy | undefined> {
  const [policy] = await db
    .update(tables.policies)
    .set({
      ...changes,
      version: sql`nextval('policy_versions')`,
      updatedAt: new Date(),
    })
    .where(eq(tables.policies.id, id))
    .returning();
  return policy;
}

/** Deletes a policy, and its attachments with it; undefined when it does not exist. */
export async function removePolicy(db: Database, id: string): Promise<Policy | undefined> {
  const [policy] = await db.delete(tables.policies).where(eq(tables.policies.id, id)).returning();
  return policy;
}

/** The policy with this id, if there is one. */
export async function policyById(db: Database, id: string): Promise<Policy | undefined> {
  const [policy] = await db.select().from(tables.policies).where(eq(tables.policies.id, id));
  return policy;
}

/** The ids of the policies in a space, by id. */
export async function policyIdsInSpace(db: Database, space: string): Promise<string[]> {
  const rows = await db
    .select({ id: tables.policies.id })
    .from(tables.policies)
    .where(eq(tables.policies.space, space))
    .orderBy(asc(tables.policies.id));
  return rows.map((row) => row.id);
}

/** Attaches a policy to a stack; undefined when it is attached already. */
export async function addPolicyAttachment(
  db: Database,
  policyId: string,
  stackId: string,
): Promise<PolicyAttachment | undefined> {
  const [attachment] = await db
    .insert(tables.policyAttachments)
    .values({ id: ulid(), policyId, stackId })
    .onConflictDoNothing()
    .returning();
  return attachment;
}

/** Deletes a policy attachment by its id; undefined when it does not exist. */
export async function removePolicyAttachment(
  db: Database,
  attachmentId: string,
): Promise<PolicyAttachment | undefined> {
  const [attachment] = await db
    .delete(tables.policyAttachments)
    .where(eq(tables.policyAttachments.id, attachmentId))
    .returning();
  return attachment;
}

/** The id and version of the policies attached to each stack, in the order of `stackIds`. */
export async function attachedPolicies(
  db: Database,
  stackIds: readonly string[],
): Promise<AttachedPolicy[][]> {
  const rows = await db
    .select({
      stackId: tables.policyAttachments.stackId,
      id: tables.policies.id,
      version: tables.policies.version,
    })
    .from(tables.policyAttachments)
    .innerJoin(tables.policies, eq(tables.policies.id, tables.policyAttachments.policyId))
    .where(inArray(tables.policyAttachments.stackId, [...stackIds]));
  const byStack = new Map(stackIds.map((stackId) => [stackId, [] as AttachedPolicy[]]));
  for (const { stackId, id, version } of rows) byStack.get(stackId)?.push({ id, version });
  return stackIds.map((stackId) => byStack.get(stackId)!);
}

/** A policy's current version and its WebAssembly; undefined when it does not exist. */
export async function compiledPolicy(
  db: Database,
  id: string,
): Promise<{ version: number; wasm: Buffer } | undefined> {
  const [row] = await db
    .select({ version: tables.policies.version, wasm: tables.policies.wasm })
    .from(tables.policies)
    .where(eq(tables.policies.id, id));
  return row;
}

/** Batch reads of policies and their attachments, for the API's loaders. */

/** The policies of `ids`, in that order. */
export async function policiesByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.policies)
    .where(inArray(tables.policies.id, [...ids]));
  return oneBy(ids, rows, (row) => row.id);
}

/** Policy attachments by their ids. */
export async function policyAttachmentsByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.policyAttachments)
    .where(inArray(tables.policyAttachments.id, [...ids]));
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
