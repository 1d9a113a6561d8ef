import { randomBytes } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import { schema, type Database } from '../db';
import type { ApiKey } from '../db/schema';
import { NotFoundError } from '../runs/service';
import { sha256Hex } from '../secrets';
import { InvalidInputError } from '../stacks/service';
import { secretMatches } from './tokens';
import { AuthenticationError, type Viewer } from './viewer';

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
      .insert(schema.apiKeys)
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
    return this.db.select().from(schema.apiKeys).orderBy(desc(schema.apiKeys.id));
  }

  async delete(id: string): Promise<ApiKey> {
    const [key] = await this.db.delete(schema.apiKeys).where(eq(schema.apiKeys.id, id)).returning();
    if (!key) throw new NotFoundError(`API key "${id}" does not exist`);
    return key;
  }

  /** The viewer an API key stands for, if `secret` is its secret. */
  async exchange(id: string, secret: string): Promise<Viewer> {
    const [key] = await this.db.select().from(schema.apiKeys).where(eq(schema.apiKeys.id, id));
    // The same answer for an unknown key and a wrong secret: neither tells which keys exist.
    if (!key || !secretMatches(sha256Hex(secret), key.secretHash)) {
      throw new AuthenticationError(
        'no API key has this id and secret; check both, or create a new key',
      );
    }
    await this.db
      .update(schema.apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(eq(schema.apiKeys.id, id));
    return {
      id: `api-key/${key.id}`,
      name: key.name,
      admin: key.admin,
      teams: key.teams,
      avatarURL: '',
    };
  }
}

/** Remembers that `username` logged in now, for Query.usage. */
export async function recordLogin(db: Database, username: string): Promise<void> {
  await db
    .insert(schema.userLogins)
    .values({ username, lastLoginAt: new Date() })
    .onConflictDoUpdate({
      target: schema.userLogins.username,
      set: { lastLoginAt: sql`excluded.last_login_at` },
    });
}
