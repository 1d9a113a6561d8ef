import { createHmac } from 'node:crypto';
import { secretMatches } from '../platform/secrets';

// Long enough to start a download by hand, short enough that a leaked URL soon opens nothing.
const DOWNLOAD_LIFETIME_MS = 5 * 60 * 1000;

/**
 * Pre-signed URLs for reading a stack's current state file (stateDownloadUrl, spacectl's
 * `state pull`): the URL carries its own authorization, an HMAC of the stack and the expiry,
 * as pre-signed object storage URLs do, so a tool can fetch it without an API token.
 */
export class StateDownloads {
  constructor(
    private readonly key: Buffer,
    private readonly publicUrl: string,
  ) {}

  urlFor(stackId: string): string {
    const expires = String(Math.floor((Date.now() + DOWNLOAD_LIFETIME_MS) / 1000));
    const query = new URLSearchParams({ expires, signature: this.sign(stackId, expires) });
    return `${this.publicUrl}/state-downloads/${encodeURIComponent(stackId)}?${query.toString()}`;
  }

  /** Whether a GET of the stack's URL carries a valid, unexpired signature. */
  verify(stackId: string, expires: string, signature: string): boolean {
    if (!/^\d+$/.test(expires) || Number(expires) * 1000 < Date.now()) return false;
    return secretMatches(signature, this.sign(stackId, expires));
  }

  private sign(stackId: string, expires: string): string {
    return createHmac('sha256', this.key).update(`${stackId}.${expires}`).digest('base64url');
  }
}
