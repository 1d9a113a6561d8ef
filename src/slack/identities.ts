import { createHmac, randomInt } from 'node:crypto';
import type { Database } from '../db';
import {
  linkedIdentity,
  linkIdentity,
  storeLinkCode,
  takeLinkCode,
  unlinkIdentity,
  type SlackIdentity,
} from './store';

export type { SlackIdentity } from './store';

/** How long a link code works once shown: enough to switch to Slack and type it. */
export const LINK_CODE_MINUTES = 10;
/**
 * How long a link lasts. Its teams are the person's GitLab groups when they linked, so a
 * person taken out of a group keeps what the group gave them from Slack until the link ends:
 * a week, then they link again.
 */
export const LINK_DAYS = 7;
// No 0/O or 1/I: a code is read off a screen and typed.
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

/** A Gantry identity as linking takes it from a console session signed in with GitLab. */
export interface LinkableViewer {
  id: string;
  name: string;
  teams: string[];
}

/**
 * Slack users linked to Gantry identities. A link is made by one person holding both: signed
 * in to Gantry with GitLab they get a code, and typing it in Slack links the Slack user who
 * typed it. Neither a link nor a code can be handed to someone else to make them act as you
 * without them typing your code, which the page tells them never to share.
 */
export class SlackIdentities {
  constructor(
    private readonly db: Database,
    /**
     * The key codes are kept under: a code has 40 bits, which a plain digest read from the
     * database would give up in minutes.
     */
    private readonly codeKey: Uint8Array,
  ) {}

  /** The Slack user's linked identity, while the link lasts (LINK_DAYS). */
  async of(teamId: string, userId: string): Promise<SlackIdentity | undefined> {
    const found = await linkedIdentity(this.db, teamId, userId);
    if (!found) return undefined;
    if (Date.now() - found.linkedAt.getTime() > LINK_DAYS * 24 * 3_600_000) {
      // Only that link: one made meanwhile with a new code stays.
      await unlinkIdentity(this.db, teamId, userId, found.linkedAt);
      return undefined;
    }
    return found;
  }

  /** A new code that links whoever types it in Slack to `viewer`, shown as `ABCD-EFGH`. */
  async newCode(viewer: LinkableViewer): Promise<string> {
    const code = Array.from(
      { length: CODE_LENGTH },
      () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)],
    ).join('');
    await storeLinkCode(this.db, {
      codeHash: this.digest(code),
      login: viewer.id,
      name: viewer.name,
      teams: viewer.teams,
      expiresAt: new Date(Date.now() + LINK_CODE_MINUTES * 60_000),
    });
    return `${code.slice(0, 4)}-${code.slice(4)}`;
  }

  /**
   * Links the Slack user who typed `code` to the identity it was made for, replacing any link
   * they had; undefined when the code is not one, has been used or has expired.
   */
  async redeem(
    code: string,
    slackUser: { teamId: string; userId: string },
  ): Promise<SlackIdentity | undefined> {
    const typed = code.toUpperCase().replace(/[\s-]/g, '');
    if (typed.length !== CODE_LENGTH) return undefined;
    const taken = await takeLinkCode(this.db, this.digest(typed));
    if (!taken) return undefined;
    const identity = {
      ...slackUser,
      login: taken.login,
      name: taken.name,
      teams: taken.teams,
    };
    await linkIdentity(this.db, identity);
    return { ...identity, linkedAt: new Date() };
  }

  /** Undoes a Slack user's link; the identity it had, if it had one. */
  async unlink(teamId: string, userId: string): Promise<SlackIdentity | undefined> {
    return unlinkIdentity(this.db, teamId, userId);
  }

  private digest(code: string): string {
    return createHmac('sha256', this.codeKey).update(code).digest('hex');
  }
}
