import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../platform/logger';
import type { SlackInstallations } from './installations';

// The envelopes Gantry acts on; every other event is acknowledged and left alone.
const urlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string() });
const eventCallback = z.object({
  type: z.literal('event_callback'),
  team_id: z.string(),
  event: z.looseObject({ type: z.string() }),
});
const tokensRevoked = z.object({
  type: z.literal('tokens_revoked'),
  tokens: z.object({ bot: z.array(z.string()).default([]) }),
});

/**
 * POST /slack/events, behind verifySlackRequest: answers Slack's url_verification challenge,
 * and forgets a workspace's installation when the app is uninstalled there (app_uninstalled)
 * or its bot token is revoked (tokens_revoked naming the bot user). Slack resends an event it
 * gets no 2xx for, so every event, used or not, is answered 200.
 */
export function slackEventsHandler(deps: {
  installations: SlackInstallations;
  logger: Logger;
}): RequestHandler {
  const logger = deps.logger.child({ component: 'slack-events' });
  return async (req, res) => {
    const challenge = urlVerification.safeParse(req.body);
    if (challenge.success) {
      res.json({ challenge: challenge.data.challenge });
      return;
    }
    const callback = eventCallback.safeParse(req.body);
    if (!callback.success) {
      res.status(200).json({ message: 'not an event Gantry uses; nothing was done' });
      return;
    }
    const { team_id: team, event } = callback.data;
    if (event.type === 'app_uninstalled') {
      const removed = await deps.installations.remove(team);
      logger.info({ team, removed: Boolean(removed) }, 'slack app uninstalled');
      res.json({ message: `the installation in workspace "${team}" was removed` });
      return;
    }
    const revoked = tokensRevoked.safeParse(event);
    if (revoked.success) {
      const removed = await deps.installations.removeBot(team, revoked.data.tokens.bot);
      if (removed) logger.info({ team }, 'slack bot token revoked');
      res.json({
        message: removed
          ? `the bot token of workspace "${team}" was revoked; its installation was removed`
          : 'no bot token Gantry keeps was revoked; nothing was done',
      });
      return;
    }
    res.json({ message: `"${event.type}" events are not used; nothing was done` });
  };
}
