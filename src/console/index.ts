import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCookies, serialize } from 'cookie';
import escapeHtml from 'escape-html';
import express, { type Request, type Response, type Router } from 'express';
import type { ApiKeyService } from '../auth/apiKeys';
import { recordLogin } from '../auth/store';
import { ADMIN_VIEWER, type Viewer } from '../auth/viewer';
import type { Database } from '../db';
import type { GitLabIntegrationService } from '../gitlab/integration';
import type { GitLabSignIn } from '../gitlab/signIn';
import { AuthenticationError } from '../platform/errors';
import { sendPage } from '../platform/http';
import type { Logger } from '../platform/logger';
import { secretMatches } from '../platform/secrets';
import type { ConsoleSessions } from './session';

/** Where `npm run build:console` puts the console's production build. */
export const CONSOLE_BUILD_DIR = path.join(__dirname, '../../dist/console');
/** The cookie that carries a GitLab sign-in from its start to GitLab's callback. */
const SIGN_IN_COOKIE = 'gantry_gitlab_sign_in';
const CALLBACK_PATH = '/oauth/gitlab/callback';
const SIGN_IN_MINUTES = 10;

// The pages the console answers; each is one URL of its router, so reloading any page works.
const PAGES = ['/', '/signin', '/stack/:stackId', '/stack/:stackId/run/:runId', '/admin{/*rest}'];
// Stack ids are slugs and run ids ULIDs; a link with anything else names nothing.
const STACK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const RUN_ID = /^[0-9A-Za-z]{1,64}$/;

/**
 * Its own pages: scripts and styles of its own origin only, connections to its own API,
 * avatars from wherever GitLab keeps them, and never inside another site's frame.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface ConsoleDependencies {
  sessions: ConsoleSessions;
  apiKeys: ApiKeyService;
  gitlab: GitLabIntegrationService;
  gitlabSignIn: GitLabSignIn;
  db: Database;
  logger: Logger;
  adminToken: string | undefined;
  /** The Temporal UI, where a run page links its workflow; none if it is not known. */
  temporalUiUrl: string | undefined;
  publicUrl: string;
  /** The console's production build; CONSOLE_BUILD_DIR unless a test says otherwise. */
  buildDir?: string;
}

/**
 * /console: what the web console needs besides GraphQL. Signing in with an API key or the
 * admin token (a JSON POST) or through GitLab's OAuth flow starts a session (./session.ts);
 * the console's settings say which sign-ins and links it can offer.
 */
export function consoleRouter(deps: ConsoleDependencies): Router {
  const router = express.Router();
  const logger = deps.logger.child({ component: 'console' });

  router.get('/config', async (_req, res) => {
    const gitlab = await deps.gitlab.settings();
    res.json({
      gitlabSignIn: gitlab?.oauthEnabled ?? false,
      temporalUiUrl: deps.temporalUiUrl ?? null,
    });
  });

  router.get('/session', async (req, res) => {
    try {
      res.json({ viewer: shown(await currentViewer(deps, req)) });
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      res.status(401).json({ error: error.message });
    }
  });

  router.post('/session', express.json({ limit: '16kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      if (body.method === 'apiKey') {
        const viewer = await deps.apiKeys.exchange(text(body.id), text(body.secret));
        await recordLogin(deps.db, viewer.id);
        await deps.sessions.start(res, { viewer, with: 'apiKey' });
        res.json({ viewer: shown(viewer) });
        return;
      }
      if (body.method === 'adminToken') {
        const token = text(body.token);
        if (!deps.adminToken || !secretMatches(token, deps.adminToken)) {
          throw new AuthenticationError(
            'this is not the admin token; it is GANTRY_ADMIN_TOKEN, or what the admin-token file in the data dir holds (`gantry all` names the file when it starts)',
          );
        }
        await deps.sessions.start(res, { viewer: ADMIN_VIEWER, with: 'adminToken' });
        res.json({ viewer: shown(ADMIN_VIEWER) });
        return;
      }
      res.status(400).json({
        error:
          'say how to sign in: {"method":"apiKey","id","secret"} or {"method":"adminToken","token"}',
      });
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      res.status(401).json({ error: error.message });
    }
  });

  router.delete('/session', async (req, res) => {
    // A valid session is only ended with its CSRF header; anything else is cleared as it is.
    const session = await deps.sessions.viewerOf(req).catch(() => undefined);
    if (session) {
      try {
        deps.sessions.requireCsrf(req, session);
      } catch (error) {
        res.status(403).json({ error: (error as Error).message });
        return;
      }
    }
    deps.sessions.end(res);
    res.status(204).end();
  });

  router.get('/signin/gitlab', async (req, res) => {
    const next = safeNext(req.query.next);
    try {
      const { providerUrl, temporaryToken } = await deps.gitlabSignIn.oauthRedirect();
      res.append(
        'Set-Cookie',
        serialize(SIGN_IN_COOKIE, JSON.stringify({ temporaryToken, next }), {
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.publicUrl.startsWith('https:'),
          path: CALLBACK_PATH,
          maxAge: SIGN_IN_MINUTES * 60,
        }),
      );
      res.redirect(302, providerUrl);
    } catch (error) {
      logger.warn({ err: error }, 'starting a gitlab sign-in');
      res.redirect(302, signInPage(next, (error as Error).message));
    }
  });

  return router;
}

/**
 * GET /oauth/gitlab/callback for a sign-in the console started (its cookie is there): GitLab's
 * code becomes the person's session, and they go back where they were. False for a sign-in
 * an API client started with oauthRedirect, which finishes with oauthToken.
 */
export async function finishConsoleSignIn(
  deps: ConsoleDependencies,
  req: Request,
  res: Response,
): Promise<boolean> {
  const started = parseCookies(req.headers.cookie ?? '')[SIGN_IN_COOKIE];
  if (!started) return false;
  res.append(
    'Set-Cookie',
    serialize(SIGN_IN_COOKIE, '', { httpOnly: true, path: CALLBACK_PATH, maxAge: 0 }),
  );
  let next = '/';
  try {
    const parsed = JSON.parse(started) as { temporaryToken?: unknown; next?: unknown };
    next = safeNext(parsed.next);
    const query = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');
    if (query('error') || !query('code')) {
      throw new Error(query('error_description') || query('error') || 'GitLab sent no code');
    }
    const token = await deps.gitlabSignIn.oauthToken({
      code: query('code'),
      state: query('state'),
      temporaryToken: text(parsed.temporaryToken),
    });
    const viewer = await deps.gitlabSignIn.userFromToken(token);
    await recordLogin(deps.db, viewer.id);
    await deps.sessions.start(res, { viewer, with: 'gitlab' });
    res.redirect(302, next);
  } catch (error) {
    res.redirect(302, signInPage(next, `signing in with GitLab: ${(error as Error).message}`));
  }
  return true;
}

/**
 * The console's pages: each URL it answers gets its one HTML page, whose script shows the
 * right view; its hashed assets are kept by browsers for a year.
 */
export function consolePages(buildDir: string = CONSOLE_BUILD_DIR): Router {
  const router = express.Router();
  router.use(
    '/assets',
    express.static(path.join(buildDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  const page = (req: Request, res: Response) => {
    const { stackId, runId } = req.params as { stackId?: string; runId?: string };
    if (
      (stackId !== undefined && !STACK_ID.test(stackId)) ||
      (runId !== undefined && !RUN_ID.test(runId))
    ) {
      sendPage(
        res,
        404,
        'No such page',
        `<p>No stack or run is named so. The stacks are at <a href="/">the start page</a>.</p>`,
      );
      return;
    }
    const index = path.join(buildDir, 'index.html');
    if (!fs.existsSync(index)) {
      sendPage(
        res,
        503,
        'The console is not built',
        `<p>Gantry's web console has no build at <code>${escapeHtml(buildDir)}</code>. Build it with <code>npm run build:console</code> (<code>npm ci</code> does), then reload. The API is at <a href="/graphql">/graphql</a>.</p>`,
      );
      return;
    }
    res
      .set({
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'same-origin',
      })
      .sendFile(index);
  };
  for (const route of PAGES) router.get(route, page);
  return router;
}

/** The viewer of a request's session, as the session and (for an API key) the key say now. */
async function currentViewer(deps: ConsoleDependencies, req: Request): Promise<Viewer> {
  const session = await deps.sessions.viewerOf(req);
  return deps.apiKeys.current(session.viewer);
}

function shown(viewer: Viewer) {
  return { id: viewer.id, name: viewer.name, admin: viewer.admin, avatarURL: viewer.avatarURL };
}

/** A path of this site to go on to after signing in; anything else goes to the stacks. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

function signInPage(next: string, error: string): string {
  return `/signin?${new URLSearchParams({ next, error }).toString()}`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
