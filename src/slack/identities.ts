import { errors, jwtVerify, SignJWT } from 'jose';
import type { Database } from '../db';
import { linkedIdentity, linkIdentity, unlinkIdentity, type SlackIdentity } from './store';

export type { SlackIdentity } from './store';

const GRANT_ISSUER = 'gantry-slack-link';
/** How long the link Gantry gives in Slack works: enough to sign in with GitLab, no more. */
export const LINK_GRANT_MINUTES = 10;

/** Who asked, in Slack, to be linked: what a link grant carries. */
export interface LinkGrant {
  teamId: string;
  teamName: string;
  userId: string;
  /** Their Slack name, shown on the page that asks to confirm the link. */
  userName: string;
}

/**
 * Slack users linked to Gantry identities, and the signed grants that link them: a grant is
 * handed to one Slack user in an answer only they see, and names that user, so whoever opens
 * it links that Slack user and nobody else.
 */
export class SlackIdentities {
  constructor(
    private readonly db: Database,
    /** The key grants are signed with; every API process derives the same one. */
    private readonly grantKey: Uint8Array,
  ) {}

  async of(teamId: string, userId: string): Promise<SlackIdentity | undefined> {
    return linkedIdentity(this.db, teamId, userId);
  }

  /** Links the grant's Slack user to `viewer`, replacing any earlier link of theirs. */
  async link(
    grant: LinkGrant,
    viewer: { id: string; name: string; teams: string[] },
  ): Promise<void> {
    await linkIdentity(this.db, {
      teamId: grant.teamId,
      userId: grant.userId,
      login: viewer.id,
      name: viewer.name,
      teams: viewer.teams,
    });
  }

  /** Undoes a Slack user's link; the identity it had, if it had one. */
  async unlink(teamId: string, userId: string): Promise<SlackIdentity | undefined> {
    return unlinkIdentity(this.db, teamId, userId);
  }

  async grant(grant: LinkGrant): Promise<string> {
    return new SignJWT({ team: grant.teamId, teamName: grant.teamName, name: grant.userName })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(GRANT_ISSUER)
      .setSubject(grant.userId)
      .setIssuedAt()
      .setExpirationTime(`${LINK_GRANT_MINUTES}m`)
      .sign(this.grantKey);
  }

  /** The grant a link carries; undefined when it is not one Gantry signed, or has expired. */
  async verifyGrant(token: string): Promise<LinkGrant | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.grantKey, {
        issuer: GRANT_ISSUER,
        algorithms: ['HS256'],
      });
      const { team, teamName, name } = payload as Record<string, unknown>;
      if (typeof team !== 'string' || typeof payload.sub !== 'string') return undefined;
      return {
        teamId: team,
        teamName: typeof teamName === 'string' ? teamName : '',
        userId: payload.sub,
        userName: typeof name === 'string' ? name : '',
      };
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }
}
