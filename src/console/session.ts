import { createHmac, randomBytes } from 'node:crypto';
import { parse as parseCookies, serialize } from 'cookie';
import type { Request, Response } from 'express';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Viewer } from '../auth/viewer';
import { AuthenticationError } from '../platform/errors';
import { secretMatches } from '../platform/secrets';

/** The HttpOnly cookie that carries a console session. */
export const SESSION_COOKIE = 'gantry_session';
/** The cookie the console's script reads and sends back as CSRF_HEADER; never a credential. */
export const CSRF_COOKIE = 'gantry_csrf';
export const CSRF_HEADER = 'x-gantry-csrf';
const SESSION_HOURS = 8;
const ISSUER = 'gantry-console';

/** How a person signed in to the console. */
export type SignedInWith = 'apiKey' | 'gitlab' | 'adminToken';

interface Session {
  viewer: Viewer;
  with: SignedInWith;
}

/** A session as its cookie holds it: with the CSRF token requests made with it must carry. */
export interface HeldSession extends Session {
  csrf: string;
}

/**
 * The web console's sessions: a signed token in an HttpOnly cookie, valid for 8 hours, under a
 * key of its own, so a session is never an API token nor an API token a session. Requests made
 * with a session must also carry the session's CSRF token in a header, which another site's
 * page cannot set. A session signed in with the admin token holds a digest of that token and
 * ends when the token changes; an API key's ends when the key is deleted (see
 * ApiKeyService.current).
 */
export class ConsoleSessions {
  constructor(
    private readonly key: Uint8Array,
    private readonly options: { publicUrl: string; adminToken: string | undefined },
  ) {}

  /** Signs `viewer` in: the session and CSRF cookies are set on `res`. */
  async start(res: Response, session: Session): Promise<void> {
    const csrf = randomBytes(24).toString('base64url');
    const issuedAt = Math.floor(Date.now() / 1000);
    const { viewer } = session;
    const jwt = await new SignJWT({
      name: viewer.name,
      admin: viewer.admin,
      teams: viewer.teams,
      avatar: viewer.avatarURL,
      with: session.with,
      csrf,
      ...(session.with === 'adminToken' ? { adm: this.adminDigest() } : {}),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setSubject(viewer.id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + SESSION_HOURS * 3600)
      .sign(this.key);
    const maxAge = SESSION_HOURS * 3600;
    res.append('Set-Cookie', this.cookie(SESSION_COOKIE, jwt, { httpOnly: true, maxAge }));
    res.append('Set-Cookie', this.cookie(CSRF_COOKIE, csrf, { httpOnly: false, maxAge }));
  }

  /** Signs out: both cookies are cleared. */
  end(res: Response): void {
    res.append('Set-Cookie', this.cookie(SESSION_COOKIE, '', { httpOnly: true, maxAge: 0 }));
    res.append('Set-Cookie', this.cookie(CSRF_COOKIE, '', { httpOnly: false, maxAge: 0 }));
  }

  /** Whether the request carries a session cookie at all. */
  presented(req: Request): boolean {
    return Boolean(sessionCookie(req));
  }

  /** The request's session, as its token says; see requireCsrf for acting with it. */
  async viewerOf(req: Request): Promise<HeldSession> {
    const jwt = sessionCookie(req);
    if (!jwt) throw new AuthenticationError('not signed in; sign in to the console first');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jwt, this.key, { issuer: ISSUER, algorithms: ['HS256'] }));
    } catch (error) {
      throw new AuthenticationError(
        error instanceof errors.JWTExpired
          ? 'the console session has ended (sessions last 8 hours); sign in again'
          : 'the console session is not valid here; sign in again',
      );
    }
    const signedInWith = payload.with as SignedInWith;
    if (
      signedInWith === 'adminToken' &&
      (!this.options.adminToken || !secretMatches(String(payload.adm), this.adminDigest()))
    ) {
      throw new AuthenticationError(
        'the admin token this session was signed in with has changed; sign in again',
      );
    }
    return {
      with: signedInWith,
      csrf: String(payload.csrf),
      viewer: {
        id: String(payload.sub),
        name: String(payload.name),
        admin: payload.admin === true,
        teams: Array.isArray(payload.teams) ? payload.teams.map(String) : [],
        avatarURL: typeof payload.avatar === 'string' ? payload.avatar : '',
      },
    };
  }

  /** Refuses a request that acts with `session` but lacks its CSRF header, as another site's would. */
  requireCsrf(req: Request, session: HeldSession): void {
    if (!secretMatches(req.get(CSRF_HEADER) ?? '', session.csrf)) {
      throw new AuthenticationError(
        `a request with the console's session must carry its ${CSRF_HEADER} header (the ${CSRF_COOKIE} cookie's value); reload the console`,
      );
    }
  }

  private adminDigest(): string {
    return createHmac('sha256', this.key)
      .update(`admin token:${this.options.adminToken ?? ''}`)
      .digest('base64url');
  }

  /** Secure over https; Lax so that links into the console from GitLab and Slack stay signed in. */
  private cookie(name: string, value: string, options: { httpOnly: boolean; maxAge: number }) {
    return serialize(name, value, {
      ...options,
      path: '/',
      sameSite: 'lax',
      secure: this.options.publicUrl.startsWith('https:'),
    });
  }
}

function sessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookies(header)[SESSION_COOKIE] || undefined : undefined;
}
