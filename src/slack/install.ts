import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AuthorizationError,
  InstallProvider,
  InvalidStateError,
  MissingCodeError,
  MissingStateError,
  type CodedError,
  type Installation,
} from '@slack/oauth';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRequestError } from '@slack/web-api';
import escapeHtml from 'escape-html';
import express, { type Router } from 'express';
import type { Logger } from '../platform/logger';
import type { SecretBox } from '../platform/secrets';
import { INSTALL_GRANT_MINUTES, installGrantProblem } from './installGrant';
import { UnsupportedInstallationError, type SlackInstallations } from './installations';
import { slackLogger } from './logger';
import { sendPage } from '../platform/http';
import type { SlackApp } from './settings';

/**
 * What the bot may do, for everything the app does: `commands` for the slash command,
 * `chat:write` to post, edit (chat.update) and answer privately (chat.postEphemeral),
 * `chat:write.public` to post in public channels the bot was not invited to, `users:read`
 * for users.info, whose fields stack access policies see, `channels:read`, `groups:read` and
 * `mpim:read` for conversations.info, the real names of private channels Slack sends
 * placeholders for (see SlackChannels), and `im:history` for the direct messages people send
 * the app. A workspace installed before a scope was added gets it when the app is reinstalled.
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'channels:read',
  'groups:read',
  'mpim:read',
  'im:history',
];

// The browser waits on the code exchange: a couple of retries, not Slack's half-hour default.
const EXCHANGE_RETRIES = 2;
const EXCHANGE_TIMEOUT_MS = 10_000;

/** The key the OAuth state is signed with; every API process derives the same one. */
export function oauthStateSecret(box: SecretBox): string {
  return box.deriveKey('slack oauth state').toString('base64url');
}

// Where to get an install link, for pages that cannot offer one.
const ASK_FOR_A_LINK = `ask a Gantry admin for an install link: the installUrl of the slackIntegration GraphQL query, which works for ${INSTALL_GRANT_MINUTES} minutes`;

/**
 * GET /slack/install, with the grant of an admin's install link (see installGrant.ts), sends a
 * person to Slack's authorize page with the bot scopes and a signed state, bound to their
 * browser by a cookie; without a grant it sends nowhere. GET /slack/oauth/callback checks that
 * state, so only flows that began with a grant finish; it exchanges Slack's code with
 * oauth.v2.access and stores the installation. @slack/oauth's InstallProvider does the OAuth;
 * the page at the end says what came of it.
 */
export function slackInstallRouter(deps: {
  app: SlackApp;
  installations: SlackInstallations;
  box: SecretBox;
  publicUrl: string;
  logger: Logger;
}): Router {
  const logger = deps.logger.child({ component: 'slack-install' });
  const provider = new InstallProvider({
    clientId: deps.app.clientId,
    clientSecret: deps.app.clientSecret,
    stateSecret: oauthStateSecret(deps.box),
    installationStore: deps.installations,
    directInstall: true,
    installUrlOptions: {
      scopes: BOT_SCOPES,
      redirectUri: `${deps.publicUrl}/slack/oauth/callback`,
    },
    logger: slackLogger(logger),
    clientOptions: {
      slackApiUrl: deps.app.apiUrl,
      retryConfig: { retries: EXCHANGE_RETRIES },
      timeout: EXCHANGE_TIMEOUT_MS,
    },
  });

  const router = express.Router();
  router.get('/install', (req, res) => {
    const problem = installGrantProblem(deps.box, req.query.grant);
    if (!problem) return provider.handleInstallPath(req, res);
    logger.warn({ reason: problem }, 'slack installation refused: no valid grant');
    const message = `${problem}. To install, ${ASK_FOR_A_LINK}.`;
    if (req.accepts(['html', 'json']) === 'json') {
      res.status(403).json({ error: message });
    } else {
      sendPage(
        res,
        403,
        'Installing Gantry in Slack needs an admin',
        `<p>${escapeHtml(message)}</p>`,
      );
    }
  });
  router.get('/oauth/callback', (req, res) =>
    provider.handleCallback(req, res, {
      success: (installation: Installation, _options, _req, callbackRes: ServerResponse) => {
        logger.info(
          { team: installation.team?.id, installedBy: installation.user.id },
          'slack app installed',
        );
        const team = installation.team?.name ?? installation.team?.id ?? 'the workspace';
        sendPage(
          callbackRes,
          200,
          'Gantry is installed in Slack',
          `<p>The Gantry app is now installed in <strong>${escapeHtml(team)}</strong>. ` +
            'Admins see the workspace in the <code>slackIntegration</code> query.</p>',
        );
      },
      failure: (error, _options, callbackReq: IncomingMessage, callbackRes: ServerResponse) => {
        const { status, reason } = explain(error, callbackReq);
        logger[status >= 500 ? 'error' : 'warn'](
          { err: error, reason },
          'slack installation did not finish',
        );
        sendPage(
          callbackRes,
          status,
          'Installing Gantry in Slack did not finish',
          `<p>${escapeHtml(reason)}.</p>` +
            `<p>Start again from your install link if it is under ${INSTALL_GRANT_MINUTES} minutes old; otherwise, ${escapeHtml(ASK_FOR_A_LINK)}.</p>`,
        );
      },
    }),
  );
  return router;
}

/** The answer for a callback that installed nothing: a status and a sentence for people. */
function explain(error: CodedError, req: IncomingMessage): { status: number; reason: string } {
  if (error instanceof UnsupportedInstallationError) return { status: 400, reason: error.message };
  if (error instanceof MissingStateError || error instanceof InvalidStateError) {
    return {
      status: 400,
      reason:
        'this link does not belong to an installation started in this browser in the last 10 minutes',
    };
  }
  if (error instanceof AuthorizationError) {
    return { status: 400, reason: 'the installation was cancelled in Slack' };
  }
  if (error instanceof MissingCodeError) {
    const sent = new URL(req.url ?? '/', 'http://callback').searchParams.get('error');
    return { status: 400, reason: `Slack sent no code${sent ? ` (error: ${sent})` : ''}` };
  }
  if (error instanceof WebAPIPlatformError) {
    return { status: 400, reason: refusal(error.data.error) };
  }
  if (error instanceof WebAPIRequestError || error instanceof WebAPIHTTPError) {
    return {
      status: 502,
      reason: `exchanging the Slack code: Slack could not be reached (${error.message})`,
    };
  }
  return { status: 500, reason: 'storing the installation: the details are in the server log' };
}

function refusal(slackError: string): string {
  const cause = `exchanging the Slack code: Slack answered ${slackError}`;
  switch (slackError) {
    case 'invalid_client_id':
    case 'bad_client_secret':
      return `${cause}; check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET against the app's Basic Information page`;
    case 'bad_redirect_uri':
      return `${cause}; the app's redirect URL must be GANTRY_PUBLIC_URL/slack/oauth/callback`;
    default:
      return cause;
  }
}
