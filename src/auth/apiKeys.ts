import { randomBytes } from 'node:crypto';
import type { Database } from '../db';
import { secretMatches, sha256Hex } from '../platform/secrets';
import { type Viewer } from './viewer';
import { addApiKey, allApiKeys, apiKeyById, recordApiKeyUse, removeApiKey } from './store';
import type { ApiKey } from './store';
import { NotFoundError, InvalidInputError, AuthenticationError } from '../platform/errors';

export type { ApiKey } from './store';

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
    const key = await addApiKey(this.db, {
      name: input.name,
      secretHash: sha256Hex(secret),
      admin: input.admin,
      teams: input.teams ?? [],
      createdBy,
    });
    return { key, secret };
  }

  async list(): Promise<ApiKey[]> {
    return allApiKeys(this.db);
  }

  async delete(id: string): Promise<ApiKey> {
    const key = await removeApiKey(this.db, id);
    if (!key) throw new NotFoundError(`API key "${id}" does not exist`);
    return key;
  }

  /** The viewer an API key stands for, if `secret` is its secret. */
  async exchange(id: string, secret: string): Promise<Viewer> {
    const key = await apiKeyById(this.db, id);
    // The same answer for an unknown key and a wrong secret: neither tells which keys exist.
    if (!key || !secretMatches(sha256Hex(secret), key.secretHash)) {
      throw new AuthenticationError(
        'no API key has this id and secret; check both, or create a new key',
      );
    }
    await recordApiKeyUse(this.db, id);
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
    const key = await apiKeyById(this.db, id);
    if (!key) {
      throw new AuthenticationError(
        `API key "${id}" was deleted, and its tokens with it; ask an admin for a new API key and exchange it with apiKeyUser`,
      );
    }
    return keyViewer(key);
  }
}
