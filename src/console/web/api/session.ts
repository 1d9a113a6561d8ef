/*
 * The console's session endpoints (/console/…): which sign-ins the server offers, who is
 * signed in, signing in and out. GraphQL requests carry the session's cookie and repeat its
 * CSRF token in a header.
 */

export interface Viewer {
  id: string;
  name: string;
  admin: boolean;
  avatarURL: string;
}

export interface ConsoleConfig {
  gitlabSignIn: boolean;
  /** The Temporal UI's base URL, where a run's workflow can be looked at; null when unknown. */
  temporalUiUrl: string | null;
}

export type Credentials =
  { method: 'apiKey'; id: string; secret: string } | { method: 'adminToken'; token: string };

/** A sign-in or session request the server turned down, with its reason. */
export class SessionError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

const CSRF_COOKIE = 'gantry_csrf';

/** The session's CSRF token, which the server set as a cookie scripts may read. */
export function csrfToken(): string {
  for (const pair of document.cookie.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return '';
}

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  try {
    return await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'DELETE' ? { 'x-gantry-csrf': csrfToken() } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new SessionError(
      'Gantry could not be reached: check your connection, then try again.',
      0,
    );
  }
}

async function refusal(response: Response): Promise<SessionError> {
  const answer = (await response.json().catch(() => ({}))) as { error?: unknown };
  const message =
    typeof answer.error === 'string'
      ? answer.error
      : `Gantry answered ${response.status}: try again in a moment; if it persists, the server's log says why.`;
  return new SessionError(message, response.status);
}

export async function fetchConfig(): Promise<ConsoleConfig> {
  const response = await request('GET', '/console/config');
  if (!response.ok) throw await refusal(response);
  return (await response.json()) as ConsoleConfig;
}

/** Who is signed in; null when nobody is. */
export async function fetchViewer(): Promise<Viewer | null> {
  const response = await request('GET', '/console/session');
  if (response.status === 401) return null;
  if (!response.ok) throw await refusal(response);
  return ((await response.json()) as { viewer: Viewer }).viewer;
}

export async function signIn(credentials: Credentials): Promise<Viewer> {
  const response = await request('POST', '/console/session', credentials);
  if (!response.ok) throw await refusal(response);
  return ((await response.json()) as { viewer: Viewer }).viewer;
}

export async function signOut(): Promise<void> {
  const response = await request('DELETE', '/console/session');
  if (!response.ok) throw await refusal(response);
}

/** The sign-in page, coming back to `next` afterwards. */
export function signInPath(next: string): string {
  return next === '/' ? '/signin' : `/signin?${new URLSearchParams({ next }).toString()}`;
}

/** Where to go after signing in: a path of this site only, never another site's address. */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

/** Where GitLab's sign-in starts: a full page navigation through GitLab and back to `next`. */
export function gitlabSignInHref(next: string): string {
  return `/console/signin/gitlab?${new URLSearchParams({ next }).toString()}`;
}
