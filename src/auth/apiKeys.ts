import { randomBytes } from 'node:crypto';
import { desc, eq, gt, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import type { Database } from '../db';
import { sha256Hex } from '../platform/secrets';
import { secretMatches } from './tokens';
import { type Viewer } from './viewer';
import * as tables from './tables';
import type { ApiKey } from './tables';
import { NotFoundError, InvalidInputError, AuthenticationError } from '../platform/errors';

export type { ApiKey } from './tables';

/** The username prefix of API keys' viewers; the rest is the key's id. */
const API_KEY_USER_PREFIX = 'api-key/';

/** The viewer a key stands for, as its row says now. */
function keyViewer(key: ApiKey): Viewer {
  return {
    id: `${API_KEY_USER_PREFIX}${key.id}`,
    name: key.name,
    admin: key.admin,
    teams: key.teams,
    avatarURL: '',
  };
}

/**
 * API keys for scripts and CI: created by an admin, exchanged for a one-hour JWT. The secret
 * is random enough that a plain SHA-256 of it is a safe thing to keep.
 */
export class ApiKeyService {
  constructor(private readonly db: Database) {}

  async create(
    input: { name: string; admin: boolean; teams?: string[] | null },
    createdBy: string,
  ): Promise<{ key: ApiKey; secret: string }> {
    if (!input.name.trim()) throw new InvalidInputError('an API key needs a name');
    const secret = randomBytes(32).toString('base64url');
    const [key] = await this.db
      .insert(tables.apiKeys)
      .values({
        id: ulid(),
        name: input.name,
        secretHash: sha256Hex(secret),
        admin: input.admin,
        teams: input.teams ?? [],
        createdBy,
      })
      .returning();
    return { key: key!, secret };
  }

  async list(): Promise<ApiKey[]> {
    return this.db.select().from(tables.apiKeys).orderBy(desc(tables.apiKeys.id));
  }

  async delete(id: string): Promise<ApiKey> {
    const [key] = await this.db.delete(tables.apiKeys).where(eq(tables.apiKeys.id, id)).returning();
    if (!key) throw new NotFoundError(`API key "${id}" does not exist`);
    return key;
  }

  /** The viewer an API key stands for, if `secret` is its secret. */
  async exchange(id: string, secret: string): Promise<Viewer> {
    const [key] = await this.db.select().from(tables.apiKeys).where(eq(tables.apiKeys.id, id));
    // The same answer for an unknown key and a wrong secret: neither tells which keys exist.
    if (!key || !secretMatches(sha256Hex(secret), key.secretHash)) {
      throw new AuthenticationError(
        'no API key has this id and secret; check both, or create a new key',
      );
    }
    await this.db
      .update(tables.apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(eq(tables.apiKeys.id, id));
    return keyViewer(key);
  }

  /**
   * Who a verified JWT stands for now. A key's JWT is only as good as the key: one lookup per
   * request, in the database every API process shares, so deleting a key ends its JWTs at once,
   * and the row, not the token's claims, says whether it is an admin and in which teams.
   * Other viewers are answered as the token says.
   */
  async current(viewer: Viewer): Promise<Viewer> {
    if (!viewer.id.startsWith(API_KEY_USER_PREFIX)) return viewer;
    const id = viewer.id.slice(API_KEY_USER_PREFIX.length);
    const [key] = await this.db.select().from(tables.apiKeys).where(eq(tables.apiKeys.id, id));
    if (!key) {
      throw new AuthenticationError(
        `API key "${id}" was deleted, and its tokens with it; ask an admin for a new API key and exchange it with apiKeyUser`,
      );
    }
    return keyViewer(key);
  }
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
