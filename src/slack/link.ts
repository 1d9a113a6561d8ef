import escapeHtml from 'escape-html';
import express, { type Router } from 'express';
import type { ConsoleSessions, HeldSession } from '../console/session';
import type { Logger } from '../platform/logger';
import { sendPage } from '../platform/http';
import { secretMatches } from '../platform/secrets';
import type { LinkGrant, SlackIdentities } from './identities';

/**
 * GET and POST /slack/link: where the link Gantry gives in Slack (`/gantry link`, or a command
 * that needs an identity) leads. The person signs in to Gantry with GitLab (the console's
 * sign-in), then confirms, on a page naming the Slack user and workspace, that this Slack user
 * is them. The confirmation is a form posted with their session and its CSRF token: a link sent
 * to someone else, opened while they are signed in, links nothing until they confirm it.
 */
export function slackLinkRouter(deps: {
  identities: SlackIdentities;
  sessions: ConsoleSessions;
  command: string;
  logger: Logger;
}): Router {
  const logger = deps.logger.child({ component: 'slack-link' });
  const router = express.Router();

  router.get('/link', async (req, res) => {
    const token = typeof req.query.grant === 'string' ? req.query.grant : '';
    const grant = await deps.identities.verifyGrant(token);
    if (!grant) return expired(res, deps.command);
    const session = await signedInWithGitLab(deps.sessions, req);
    if (!session) {
      const next = `/slack/link?${new URLSearchParams({ grant: token }).toString()}`;
      res.redirect(302, `/console/signin/gitlab?${new URLSearchParams({ next }).toString()}`);
      return;
    }
    sendPage(
      res,
      200,
      'Link your Slack account',
      `<p>Link Slack user <strong>${slackUser(grant)}</strong> of workspace <strong>${escapeHtml(grant.teamName || grant.teamId)}</strong> to your Gantry login <strong>${escapeHtml(session.viewer.id)}</strong>?</p>` +
        '<p>Runs you start and decisions you take from Slack will then carry your login, and stack access policies will see your GitLab groups as <code>input.session.teams</code>. ' +
        `<code>${escapeHtml(deps.command)} unlink</code> undoes it.</p>` +
        '<p>If this is not your Slack account, close this page: someone else sent you their link.</p>' +
        `<form method="post" action="/slack/link"><input type="hidden" name="grant" value="${escapeHtml(token)}">` +
        `<input type="hidden" name="csrf" value="${escapeHtml(session.csrf)}">` +
        '<button type="submit">Link</button></form>',
    );
  });

  router.post('/link', express.urlencoded({ extended: false, limit: '8kb' }), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const field = (name: string) => (typeof body[name] === 'string' ? body[name] : '');
    const grant = await deps.identities.verifyGrant(field('grant'));
    if (!grant) return expired(res, deps.command);
    const session = await signedInWithGitLab(deps.sessions, req);
    if (!session || !secretMatches(field('csrf'), session.csrf)) {
      sendPage(
        res,
        403,
        'Not linked',
        '<p>This confirmation did not come from your own Gantry session. Open the link from Slack again.</p>',
      );
      return;
    }
    await deps.identities.link(grant, session.viewer);
    logger.info(
      { team: grant.teamId, user: grant.userId, login: session.viewer.id },
      'slack user linked to a gantry login',
    );
    sendPage(
      res,
      200,
      'Linked',
      `<p>Slack user <strong>${slackUser(grant)}</strong> is linked to your Gantry login <strong>${escapeHtml(session.viewer.id)}</strong>. Go back to Slack and run your command again.</p>`,
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

function slackUser(grant: LinkGrant): string {
  return escapeHtml(grant.userName ? `${grant.userName} (${grant.userId})` : grant.userId);
}

function expired(res: express.Response, command: string): void {
  sendPage(
    res,
    400,
    'This link has expired',
    `<p>Links to link a Slack account work for a few minutes and only as Gantry gave them. Run <code>${escapeHtml(command)} link</code> in Slack for a new one.</p>`,
  );
}
