import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, gt, lt } from 'drizzle-orm';
import type { Database } from '../db';
import { sha256Hex } from '../platform/secrets';
import * as tables from './tables';
import { InvalidInputError } from '../platform/errors';

/**
 * Gantry as the state store of stacks that let it manage their state: every version kept,
 * one lock at a time, and access only with a run's own short-lived credentials. Also the
 * state files uploaded for new stacks (uploads.ts).
 */

/** OpenTofu's lock description, as its http backend sends it. */
export interface LockInfo {
  ID: string;
  Operation?: string;
  Info?: string;
  Who?: string;
  Version?: string;
  Created?: string;
  Path?: string;
}

export type LockOutcome = { ok: true } | { ok: false; holder: LockInfo };

export class StateLockedError extends Error {
  constructor(readonly holder: LockInfo) {
    super(`state is locked by lock "${holder.ID}"${holder.Who ? ` held by ${holder.Who}` : ''}`);
    this.name = 'StateLockedError';
  }
}

/**
 * Issues the credentials one run's OpenTofu uses for the state; the secret is never stored.
 * Read-only credentials (proposed runs) can only read it.
 */
export async function issueStateCredentials(
  db: Database,
  options: { runId: string; stackId: string; ttlMs: number; readOnly: boolean },
): Promise<{ username: string; password: string }> {
  const password = randomBytes(32).toString('base64url');
  const row = {
    runId: options.runId,
    stackId: options.stackId,
    secretHash: sha256Hex(password),
    readOnly: options.readOnly,
    expiresAt: new Date(Date.now() + options.ttlMs),
  };
  await db
    .insert(tables.stateCredentials)
    .values(row)
    .onConflictDoUpdate({ target: tables.stateCredentials.runId, set: row });
  return { username: options.runId, password };
}

export async function revokeStateCredentials(db: Database, runId: string): Promise<void> {
  await db.delete(tables.stateCredentials).where(eq(tables.stateCredentials.runId, runId));
}

/** The run the credentials belong to, when they are valid for this stack now. */
export async function verifyStateCredentials(
  db: Database,
  stackId: string,
  username: string,
  password: string,
): Promise<{ runId: string; readOnly: boolean } | undefined> {
  const [row] = await db
    .select()
    .from(tables.stateCredentials)
    .where(
      and(
        eq(tables.stateCredentials.runId, username),
        eq(tables.stateCredentials.stackId, stackId),
        gt(tables.stateCredentials.expiresAt, new Date()),
      ),
    );
  if (!row) return undefined;
  const given = Buffer.from(sha256Hex(password));
  return timingSafeEqual(given, Buffer.from(row.secretHash))
    ? { runId: row.runId, readOnly: row.readOnly }
    : undefined;
}

/** An output of a stack's state: its value as JSON, or null when the output is sensitive. */
export interface StateOutput {
  name: string;
  sensitive: boolean;
  value: string | null;
}

/** The outputs of the stack's current state, by name; none before it has a state. */
export async function currentOutputs(db: Database, stackId: string): Promise<StateOutput[]> {
  const state = await latestState(db, stackId);
  if (!state) return [];
  const parsed = JSON.parse(state.content.toString('utf8')) as {
    outputs?: Record<string, { value?: unknown; sensitive?: boolean }>;
  };
  return Object.entries(parsed.outputs ?? {})
    .map(([name, output]) => ({
      name,
      sensitive: output.sensitive === true,
      value: output.sensitive === true ? null : JSON.stringify(output.value ?? null),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A resource instance of a stack's state. */
export interface StateResource {
  /** As OpenTofu names it: `module.net.aws_subnet.a["x"]`. */
  address: string;
  mode: string;
  type: string;
  name: string;
  /** The module's address; empty for the root module. */
  module: string;
  provider: string;
  tainted: boolean;
  /** The instance's attributes, with those the provider marks sensitive hidden (null). */
  values: unknown;
}

interface StateFileResource {
  mode: string;
  type: string;
  name: string;
  module?: string;
  provider: string;
  instances?: Array<{
    index_key?: string | number;
    status?: string;
    attributes?: Record<string, unknown>;
    sensitive_attributes?: Array<Array<{ type: string; value: unknown }>>;
  }>;
}

/** The resource instances of the stack's current state; none before it has a state. */
export async function currentResources(db: Database, stackId: string): Promise<StateResource[]> {
  const state = await latestState(db, stackId);
  if (!state) return [];
  const parsed = JSON.parse(state.content.toString('utf8')) as { resources?: StateFileResource[] };
  return (parsed.resources ?? []).flatMap((resource) =>
    (resource.instances ?? []).map((instance) => {
      const base = `${resource.module ? `${resource.module}.` : ''}${resource.mode === 'data' ? 'data.' : ''}${resource.type}.${resource.name}`;
      const index =
        instance.index_key === undefined ? '' : `[${JSON.stringify(instance.index_key)}]`;
      return {
        address: base + index,
        mode: resource.mode,
        type: resource.type,
        name: resource.name,
        module: resource.module ?? '',
        provider: resource.provider,
        tainted: instance.status === 'tainted',
        values: withoutSensitive(instance.attributes ?? {}, instance.sensitive_attributes ?? []),
      };
    }),
  );
}

/** `values` with every attribute at one of the sensitive paths replaced by null. */
function withoutSensitive(
  values: Record<string, unknown>,
  paths: Array<Array<{ type: string; value: unknown }>>,
): unknown {
  const copy = structuredClone<Record<string, unknown>>(values);
  for (const steps of paths) {
    let node: unknown = copy;
    steps.forEach((step, index) => {
      if (node === null || typeof node !== 'object') return;
      const key = step.value as string | number;
      const container = node as Record<string | number, unknown>;
      if (index === steps.length - 1) {
        if (key in container) container[key] = null;
      } else {
        node = container[key];
      }
    });
  }
  return copy;
}

/** The stack's current state version, if it has one. */
export async function latestState(db: Database, stackId: string) {
  const [row] = await db
    .select()
    .from(tables.stateVersions)
    .where(eq(tables.stateVersions.stackId, stackId))
    .orderBy(desc(tables.stateVersions.version))
    .limit(1);
  return row;
}

/**
 * Keeps a new version of the state. While the state is locked only the lock's holder may
 * write, naming its lock ID.
 */
export async function storeState(
  db: Database,
  options: { stackId: string; content: Buffer; lockId?: string; runId?: string },
): Promise<number> {
  const parsed = parseState(options.content);
  return db.transaction(async (tx) => {
    const [lock] = await tx
      .select()
      .from(tables.stateLocks)
      .where(eq(tables.stateLocks.stackId, options.stackId))
      .for('update');
    if (lock && lock.lockId !== options.lockId) {
      throw new StateLockedError(lock.info as LockInfo);
    }
    const [last] = await tx
      .select({ version: tables.stateVersions.version })
      .from(tables.stateVersions)
      .where(eq(tables.stateVersions.stackId, options.stackId))
      .orderBy(desc(tables.stateVersions.version))
      .limit(1);
    const version = (last?.version ?? 0) + 1;
    await tx.insert(tables.stateVersions).values({
      stackId: options.stackId,
      version,
      serial: parsed.serial,
      lineage: parsed.lineage,
      content: options.content,
      runId: options.runId ?? null,
    });
    return version;
  });
}

export async function lockState(
  db: Database,
  options: { stackId: string; info: LockInfo; runId?: string },
): Promise<LockOutcome> {
  const inserted = await db
    .insert(tables.stateLocks)
    .values({
      stackId: options.stackId,
      lockId: options.info.ID,
      info: options.info,
      runId: options.runId ?? null,
    })
    .onConflictDoNothing()
    .returning({ lockId: tables.stateLocks.lockId });
  if (inserted.length > 0) return { ok: true };
  const [holder] = await db
    .select()
    .from(tables.stateLocks)
    .where(eq(tables.stateLocks.stackId, options.stackId));
  // The same lock asked for twice (a retried request) is still held by its asker.
  if (holder?.lockId === options.info.ID) return { ok: true };
  return { ok: false, holder: (holder?.info ?? { ID: 'unknown' }) as LockInfo };
}

/** Releases the lock if `lockId` holds it; otherwise answers who does. */
export async function unlockState(
  db: Database,
  options: { stackId: string; lockId: string },
): Promise<LockOutcome> {
  const deleted = await db
    .delete(tables.stateLocks)
    .where(
      and(
        eq(tables.stateLocks.stackId, options.stackId),
        eq(tables.stateLocks.lockId, options.lockId),
      ),
    )
    .returning({ lockId: tables.stateLocks.lockId });
  if (deleted.length > 0) return { ok: true };
  const [holder] = await db
    .select()
    .from(tables.stateLocks)
    .where(eq(tables.stateLocks.stackId, options.stackId));
  return holder ? { ok: false, holder: holder.info as LockInfo } : { ok: true };
}

/** Releases whatever lock a run still holds, for when the run ends without unlocking. */
export async function releaseRunLocks(db: Database, runId: string): Promise<void> {
  await db.delete(tables.stateLocks).where(eq(tables.stateLocks.runId, runId));
}

/** Deletes the uploads that expired before now. */
export async function removeExpiredUploads(db: Database): Promise<void> {
  await db.delete(tables.stateUploads).where(lt(tables.stateUploads.expiresAt, new Date()));
}

/** Writes a new, empty upload that can be filled until `expiresAt`. */
export async function addUpload(db: Database, objectId: string, expiresAt: Date): Promise<void> {
  await db.insert(tables.stateUploads).values({ id: objectId, expiresAt });
}

/** Writes an upload's content; false when no unexpired upload has this id. */
export async function setUploadContent(
  db: Database,
  objectId: string,
  content: Buffer,
): Promise<boolean> {
  const stored = await db
    .update(tables.stateUploads)
    .set({ content })
    .where(and(eq(tables.stateUploads.id, objectId), gt(tables.stateUploads.expiresAt, new Date())))
    .returning({ id: tables.stateUploads.id });
  return stored.length > 0;
}

/** The upload with this id, unless it has expired. */
export async function unexpiredUpload(db: Database, objectId: string) {
  const [upload] = await db
    .select()
    .from(tables.stateUploads)
    .where(
      and(eq(tables.stateUploads.id, objectId), gt(tables.stateUploads.expiresAt, new Date())),
    );
  return upload;
}

/** Deletes an upload. */
export async function removeUpload(db: Database, objectId: string): Promise<void> {
  await db.delete(tables.stateUploads).where(eq(tables.stateUploads.id, objectId));
}

// Serials are kept in an integer column; OpenTofu counts up from 0, one per write.
const MAX_SERIAL = 2 ** 31 - 1;

export function parseState(content: Buffer): { serial: number; lineage: string } {
  let state: unknown;
  try {
    state = JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new InvalidStateError(`state is not JSON: ${(error as Error).message}`);
  }
  const { serial, lineage } = (state ?? {}) as { serial?: unknown; lineage?: unknown };
  if (typeof serial !== 'number' || typeof lineage !== 'string') {
    throw new InvalidStateError('state has no numeric "serial" and string "lineage"');
  }
  if (!Number.isInteger(serial) || serial < 0 || serial > MAX_SERIAL) {
    throw new InvalidStateError(
      `state "serial" must be a whole number from 0 to ${MAX_SERIAL} (got ${serial})`,
    );
  }
  if (lineage.includes('\0')) {
    throw new InvalidStateError('state "lineage" may not contain NUL characters');
  }
  return { serial, lineage };
}

export class InvalidStateError extends InvalidInputError {}
