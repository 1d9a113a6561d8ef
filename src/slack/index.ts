import escapeHtml from 'escape-html';
import express, { type Router } from 'express';
import type { Database } from '../db';
import type { Logger } from '../platform/logger';
import type { PolicyAccess } from '../policy/access';
import type { RunService } from '../runs/service';
import type { SecretBox } from '../platform/secrets';
import { slackCommandsHandler, type CommandDeps } from './commands';
import { slackEventsHandler } from './events';
import type { SlackFollowUps } from './followUps';
import { SlackIdentities } from './identities';
import { slackInstallRouter } from './install';
import { slackLinkRouter } from './link';
import type { ConsoleSessions } from '../console/session';
import type { SlackInstallations } from './installations';
import { slackInteractionsHandler } from './interactions';
import { sendPage } from '../platform/http';
import { missingSlackSettings, type SlackApp, type SlackSettings } from './settings';
import { verifySlackRequest } from './signature';
import { SlackPeople } from './slackUser';
import { SlackStackAccess } from './stackAccess';

export { SlackFollowUps } from './followUps';
export { SlackInstallations, type SlackWorkspace } from './installations';
export { missingSlackSettings, type SlackSettings } from './settings';
export { slackRawBody, verifySlackRequest } from './signature';
export { SlackChannels } from './channels';
export { allSubscriptions, type SlackSubscription } from './store';
export { checkSettingsChange, type SettingsChange } from './subscriptionSettings';
export { SlackSubscriptions } from './subscriptions';

/**
 * Everything under /slack: the install flow, the Events API, the slash command and the buttons
 * of run messages. Without the SLACK_* settings
 * every /slack route answers 503 naming what is missing; Gantry itself runs on.
 */
export function slackRouter(deps: {
  settings: SlackSettings | undefined;
  installations: SlackInstallations;
  box: SecretBox;
  publicUrl: string;
  logger: Logger;
  maxBodyBytes: number;
  db: Database;
  runs: RunService;
  access: PolicyAccess;
  /** What commands and buttons do after Slack is answered; the serve role waits for it on stop. */
  followUps: SlackFollowUps;
  /** The console's sessions: linking a Slack user signs them in to Gantry with GitLab first. */
  consoleSessions: ConsoleSessions;
}): Router {
  const router = express.Router();
  const missing = missingSlackSettings(deps.settings);
  if (missing.length > 0) {
    const reason = `Slack is not set up: set ${missing.join(', ')} from the Slack app's Basic Information page and restart Gantry`;
    router.use((req, res) => {
      if (req.method === 'GET') {
        sendPage(res, 503, 'Slack is not set up', `<p>${escapeHtml(reason)}.</p>`);
      } else {
        res.status(503).json({ error: reason });
      }
    });
    return router;
  }
  const app = deps.settings as SlackApp;
  router.use(
    slackInstallRouter({
      app,
      installations: deps.installations,
      box: deps.box,
      publicUrl: deps.publicUrl,
      logger: deps.logger,
    }),
  );
  const verified = verifySlackRequest({
    signingSecret: app.signingSecret,
    maxBodyBytes: deps.maxBodyBytes,
    db: deps.db,
  });
  const people = new SlackPeople({
    installations: deps.installations,
    apiUrl: app.apiUrl,
    logger: deps.logger,
  });
  const stacks = new SlackStackAccess({ runs: deps.runs, access: deps.access });
  const identities = new SlackIdentities(deps.db, deps.box.deriveKey('slack link codes'));
  router.use(
    slackLinkRouter({
      identities,
      sessions: deps.consoleSessions,
      command: app.command,
      logger: deps.logger,
    }),
  );
  const commands: CommandDeps = {
    db: deps.db,
    people,
    stacks,
    identities,
    runs: deps.runs,
    command: app.command,
    publicUrl: deps.publicUrl,
    slackApiUrl: app.apiUrl,
    logger: deps.logger,
  };
  router.post(
    '/events',
    verified,
    slackEventsHandler({
      installations: deps.installations,
      logger: deps.logger,
      commands,
      followUps: deps.followUps,
      db: deps.db,
    }),
  );
  router.post(
    '/commands',
    verified,
    slackCommandsHandler({ ...commands, followUps: deps.followUps }),
  );
  router.post(
    '/interactions',
    verified,
    slackInteractionsHandler({
      people,
      stacks,
      identities,
      publicUrl: deps.publicUrl,
      command: app.command,
      runs: deps.runs,
      followUps: deps.followUps,
      logger: deps.logger,
    }),
  );
  return router;
}
