import { desc, eq, gt, sql } from 'drizzle-orm';
import { ulid } from '../platform/ids';
import type { Database } from '../db';
import * as tables from './tables';
import type { ApiKey } from './tables';

export type { ApiKey } from './tables';

/** The auth noun's reads and writes: API keys, and the logins of people and keys. */

/** Writes a new API key, with a new id. */
export async function addApiKey(
  db: Database,
  key: Omit<typeof tables.apiKeys.$inferInsert, 'id'>,
): Promise<ApiKey> {
  const [added] = await db
    .insert(tables.apiKeys)
    .values({ id: ulid(), ...key })
    .returning();
  return added!;
}

/** Every API key, newest first. */
export function allApiKeys(db: Database): Promise<ApiKey[]> {
  return db.select().from(tables.apiKeys).orderBy(desc(tables.apiKeys.id));
}

/** Deletes an API key; undefined when it does not exist. */
export async function removeApiKey(db: Database, id: string): Promise<ApiKey | undefined> {
  const [key] = await db.delete(tables.apiKeys).where(eq(tables.apiKeys.id, id)).returning();
  return key;
}

/** The API key with this id, if there is one. */
export async function apiKeyById(db: Database, id: string): Promise<ApiKey | undefined> {
  const [key] = await db.select().from(tables.apiKeys).where(eq(tables.apiKeys.id, id));
  return key;
}

/** Remembers that an API key was used now. */
export async function recordApiKeyUse(db: Database, id: string): Promise<void> {
  await db.update(tables.apiKeys).set({ lastUsedAt: new Date() }).where(eq(tables.apiKeys.id, id));
}

/** Remembers that `username` logged in now, for Query.usage. */
export async function recordLogin(db: Database, username: string): Promise<void> {
  await db
    .insert(tables.userLogins)
    .values({ username, lastLoginAt: new Date() })
    .onConflictDoUpdate({
      target: tables.userLogins.username,
      set: { lastLoginAt: sql`excluded.last_login_at` },
    });
}

/** The people who logged in since `since`, most recent first. */
export async function loginsSince(db: Database, since: Date) {
  return db
    .select()
    .from(tables.userLogins)
    .where(gt(tables.userLogins.lastLoginAt, since))
    .orderBy(desc(tables.userLogins.lastLoginAt));
}

/** Records a login with a GitLab token, kept sealed so the user's teams can be read again. */
export async function recordGitLabLogin(
  db: Database,
  username: string,
  encryptedGitlabToken: string,
) {
  await db
    .insert(tables.userLogins)
    .values({ username, lastLoginAt: new Date(), encryptedGitlabToken })
    .onConflictDoUpdate({
      target: tables.userLogins.username,
      set: { encryptedGitlabToken: sql`excluded.encrypted_gitlab_token` },
    });
}

/** The sealed GitLab token the user last logged in with, if they did with one. */
export async function gitlabTokenOf(db: Database, username: string): Promise<string | undefined> {
  const [login] = await db
    .select({ token: tables.userLogins.encryptedGitlabToken })
    .from(tables.userLogins)
    .where(eq(tables.userLogins.username, username));
  return login?.token ?? undefined;
}
