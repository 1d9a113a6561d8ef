import { createHmac, randomBytes } from 'node:crypto';
import type { Database } from '../db';
import { secretMatches } from '../platform/secrets';
import {
  addUpload,
  parseState,
  removeExpiredUploads,
  removeUpload,
  setUploadContent,
  unexpiredUpload,
} from './store';
import { NotFoundError, InvalidInputError } from '../platform/errors';

const UPLOAD_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Pre-signed URLs for handing an existing state file to Gantry: stateUploadUrl makes one, the
 * file is PUT to it, and stackCreate(stackObjectID) imports it as the new stack's first state
 * version. The URL carries its own authorization (an HMAC of the object and expiry), as
 * pre-signed object storage URLs do, so tools can upload without an API token.
 */
export class StateUploads {
  constructor(
    private readonly db: Database,
    private readonly key: Buffer,
    private readonly publicUrl: string,
  ) {}

  async create(): Promise<{ objectId: string; url: string }> {
    await removeExpiredUploads(this.db);
    const objectId = randomBytes(16).toString('hex');
    const expiresAt = new Date(Date.now() + UPLOAD_LIFETIME_MS);
    await addUpload(this.db, objectId, expiresAt);
    const expires = String(Math.floor(expiresAt.getTime() / 1000));
    const query = new URLSearchParams({ expires, signature: this.sign(objectId, expires) });
    return { objectId, url: `${this.publicUrl}/state-uploads/${objectId}?${query.toString()}` };
  }

  /** Whether a PUT to the object's URL carries a valid, unexpired signature. */
  verify(objectId: string, expires: string, signature: string): boolean {
    if (!/^\d+$/.test(expires) || Number(expires) * 1000 < Date.now()) return false;
    return secretMatches(signature, this.sign(objectId, expires));
  }

  /** Keeps an uploaded file; uploading again before the stack is created replaces it. */
  async store(objectId: string, content: Buffer): Promise<void> {
    parseState(content);
    const stored = await setUploadContent(this.db, objectId, content);
    if (!stored) {
      throw new NotFoundError(`upload "${objectId}" has expired; ask for a new stateUploadUrl`);
    }
  }

  /** The uploaded file, for stackCreate; it is removed once the stack has it (see `remove`). */
  async content(objectId: string): Promise<Buffer> {
    const upload = await unexpiredUpload(this.db, objectId);
    if (!upload) {
      throw new InvalidInputError(
        `no upload "${objectId}" exists or it has expired; ask for a new stateUploadUrl and PUT the state file to it`,
      );
    }
    if (!upload.content) {
      throw new InvalidInputError(
        `nothing has been uploaded to "${objectId}" yet; PUT the state file to its URL first`,
      );
    }
    return upload.content;
  }

  async remove(objectId: string): Promise<void> {
    await removeUpload(this.db, objectId);
  }

  private sign(objectId: string, expires: string): string {
    return createHmac('sha256', this.key).update(`${objectId}.${expires}`).digest('base64url');
  }
}
