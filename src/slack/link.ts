import escapeHtml from 'escape-html';
import express, { type Router } from 'express';
import type { ConsoleSessions, HeldSession } from '../console/session';
import type { Logger } from '../platform/logger';
import { sendPage } from '../platform/http';
import { secretMatches } from '../platform/secrets';
import { LINK_CODE_MINUTES, LINK_DAYS, type SlackIdentities } from './identities';

/** Where the link Gantry gives in Slack leads (`/gantry link`, or a command needing you). */
export const LINK_PATH = '/slack/link';

/**
 * GET and POST /slack/link: how a person links their Slack account to their Gantry login.
 * Signed in to Gantry with GitLab (the console's sign-in), they ask for a code with a form
 * posted with their session's CSRF token, and type it in Slack themselves (`/gantry link
 * <code>`). So the person who holds the Gantry login is the one typing as the Slack user:
 * a link opened by someone else, or a page shown to someone else, links nothing.
 */
export function slackLinkRouter(deps: {
  identities: SlackIdentities;
  sessions: ConsoleSessions;
  command: string;
  logger: Logger;
}): Router {
  const logger = deps.logger.child({ component: 'slack-link' });
  const router = express.Router();
  const command = escapeHtml(deps.command);

  router.get('/link', async (req, res) => {
    const session = await signedInWithGitLab(deps.sessions, req);
    if (!session) {
      const next = new URLSearchParams({ next: LINK_PATH }).toString();
      res.redirect(302, `/console/signin/gitlab?${next}`);
      return;
    }
    sendPage(
      res,
      200,
      'Link your Slack account',
      `<p>You are signed in to Gantry as <strong>${escapeHtml(session.viewer.id)}</strong>. To act as this login from Slack, get a code here and type it in Slack yourself: <code>${command} link &lt;code&gt;</code>.</p>` +
        `<p>Runs you start and decisions you take from Slack will then carry your login, and stack access policies will see it, with your GitLab groups, as <code>input.session</code>. The link lasts ${LINK_DAYS} days; <code>${command} unlink</code> ends it sooner.</p>` +
        `<form method="post" action="${LINK_PATH}"><input type="hidden" name="csrf" value="${escapeHtml(session.csrf)}">` +
        '<button type="submit">Get a code</button></form>',
    );
  });

  router.post('/link', express.urlencoded({ extended: false, limit: '8kb' }), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const csrf = typeof body.csrf === 'string' ? body.csrf : '';
    const session = await signedInWithGitLab(deps.sessions, req);
    if (!session || !secretMatches(csrf, session.csrf)) {
      sendPage(
        res,
        403,
        'No code',
        `<p>This request did not come from your own Gantry session. Open <a href="${LINK_PATH}">${LINK_PATH}</a> again.</p>`,
      );
      return;
    }
    const code = await deps.identities.newCode(session.viewer);
    logger.info({ login: session.viewer.id }, 'slack link code issued');
    sendPage(
      res,
      200,
      'Your code',
      `<p>In Slack, type this yourself within ${LINK_CODE_MINUTES} minutes:</p>` +
        `<p><code style="font-size:1.5rem">${command} link ${escapeHtml(code)}</code></p>` +
        `<p><strong>Never give this code to anyone</strong>, whatever they say it is for: whoever types it acts as <strong>${escapeHtml(session.viewer.id)}</strong> from Slack. It works once.</p>`,
    );
  });
  return router;
}

/** The request's console session when it was signed in with GitLab: a person, not a key. */
async function signedInWithGitLab(
  sessions: ConsoleSessions,
  req: express.Request,
): Promise<HeldSession | undefined> {
  const session = await sessions.viewerOf(req).catch(() => undefined);
  return session?.with === 'gitlab' ? session : undefined;
}
