import { errors, jwtVerify, SignJWT } from 'jose';
import { type Viewer } from './viewer';
import { AuthenticationError, ForbiddenError } from '../platform/errors';

const ISSUER = 'gantry';
const TOKEN_LIFETIME_SECONDS = 60 * 60;

export interface IssuedToken {
  jwt: string;
  /** Unix seconds. */
  validUntil: number;
}

/**
 * The JWTs users get from apiKeyUser and oauthUser: HS256 under a key every API process
 * derives from GANTRY_ENCRYPTION_KEY, valid for one hour. The token carries the viewer whole;
 * an API key's viewer is then checked against the key's row (ApiKeyService.current).
 *
 * Its audience is the API's address (GANTRY_PUBLIC_URL): Spacelift's clients (spacectl, the
 * Terraform provider) given only a token take the endpoint to call from it. The audience is
 * not checked on the way in, so tokens issued before a change of address, or without one,
 * are taken until they expire.
 */
export class TokenIssuer {
  constructor(
    private readonly key: Uint8Array,
    private readonly audience: string,
  ) {}

  async issue(viewer: Viewer): Promise<IssuedToken> {
    // A run's token dies with its run: it is never traded for one that outlives it.
    if (viewer.spaceScope !== undefined) {
      throw new ForbiddenError(
        "a run's token is not exchanged for another; use the run's SPACELIFT_API_TOKEN as it is",
      );
    }
    const issuedAt = Math.floor(Date.now() / 1000);
    const validUntil = issuedAt + TOKEN_LIFETIME_SECONDS;
    const jwt = await new SignJWT({
      name: viewer.name,
      admin: viewer.admin,
      teams: viewer.teams,
      avatar: viewer.avatarURL,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setSubject(viewer.id)
      .setAudience(this.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(validUntil)
      .sign(this.key);
    return { jwt, validUntil };
  }

  async verify(jwt: string): Promise<Viewer & { validUntil: number }> {
    try {
      const { payload } = await jwtVerify(jwt, this.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
      });
      return {
        id: String(payload.sub),
        name: String(payload.name),
        admin: payload.admin === true,
        teams: Array.isArray(payload.teams) ? payload.teams.map(String) : [],
        avatarURL: typeof payload.avatar === 'string' ? payload.avatar : '',
        validUntil: payload.exp!,
      };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new AuthenticationError(
          'the token has expired; exchange your API key (apiKeyUser) or GitLab token (oauthUser) for a new one',
        );
      }
      throw new AuthenticationError(
        'the token is not one Gantry issued; use the admin token or a JWT from apiKeyUser or oauthUser',
      );
    }
  }
}
