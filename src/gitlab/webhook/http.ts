import express, { type Request, type Response, type Router } from 'express';
import { BodyTooLargeError, readRawBody } from '../../platform/http';
import type { Logger } from '../../platform/logger';
import { secretMatches } from '../../platform/secrets';
import { webhookSecretHash, type WebhookSecrets } from '../integration';
import { BadDelivery, ignoredMergeRequest, parseEvent, projectOf, USED_EVENTS } from './events';
import { Unverified, type WebhookHandler } from './handler';

/** Whose secret a delivery's X-Gitlab-Token is: a project's own, or the shared one (null). */
interface Sender {
  project: string | null;
}

/**
 * POST /webhooks/gitlab: the HTTP side of GitLab's project webhooks (push, tag push and merge
 * request events). A delivery is authenticated by its X-Gitlab-Token before its body is even
 * read: the project's own secret (gitlabWebhookSecretRotate) or, for a project without one,
 * gitlabIntegration's. Its payload becomes an event (./events.ts) that the handler
 * (./handler.ts) turns into runs; the answer says what came of it.
 */
export function gitlabWebhookRouter(deps: {
  /** The secrets deliveries are matched against, as the integration keeps them. */
  secrets: () => Promise<WebhookSecrets>;
  logger: Logger;
  maxBodyBytes: number;
  handler: WebhookHandler;
}): Router {
  const logger = deps.logger.child({ component: 'gitlab-webhook' });
  const router = express.Router();

  router.post('/', async (req: Request, res: Response) => {
    const refuse = (status: number, message: string) => res.status(status).json({ message });
    const secrets = await deps.secrets();
    const sender = senderOf(secrets, req.get('x-gitlab-token'));
    if (!sender) {
      return refuse(
        401,
        "X-Gitlab-Token does not match any webhook secret; set the hook's secret token to the project's own secret from gitlabWebhookSecretRotate, or to gitlabIntegration's webhookSecret if the project has none",
      );
    }
    const body = await readBody(req, deps.maxBodyBytes).catch((error: Error) => error);
    if (body instanceof Error)
      return refuse(body instanceof BodyTooLargeError ? 413 : 400, body.message);
    const projectPath = projectOf(body);
    if (projectPath?.includes('\0')) {
      return refuse(
        400,
        'the payload is malformed: project.path_with_namespace contains a NUL byte',
      );
    }
    if (!sentFor(secrets, sender, projectPath)) {
      return refuse(
        401,
        `X-Gitlab-Token does not match the webhook secret of project "${projectPath ?? ''}"; set the hook's secret token to the project's own secret from gitlabWebhookSecretRotate, or to gitlabIntegration's webhookSecret if the project has none`,
      );
    }

    const event = req.get('x-gitlab-event') ?? '';
    const delivery = { event, uuid: req.get('x-gitlab-event-uuid') };
    if (!USED_EVENTS.includes(event)) {
      return res.status(200).json({ message: `"${event}" events are not used; nothing was done` });
    }
    try {
      const ignored = ignoredMergeRequest(event, body);
      if (ignored) {
        deps.handler.ignore(delivery, { project: projectPath ?? '', ...ignored });
        return res.status(200).json({ message: ignored.outcome, runs: [] });
      }
      const payload = parseEvent(event, body);
      const result = await deps.handler.handle(delivery, payload);
      logger.info(
        {
          event,
          project: payload.project.path_with_namespace,
          runs: result.runs.map((run) => run.id),
        },
        result.outcome,
      );
      res.status(200).json({
        message: result.outcome,
        runs: result.runs.map((run) => ({ id: run.id, stack: run.stackId, type: run.type })),
      });
    } catch (error) {
      if (error instanceof BadDelivery) return refuse(400, error.message);
      if (error instanceof Unverified) return refuse(503, error.message);
      logger.error({ err: error, event }, 'handling gitlab webhook');
      refuse(
        503,
        'Gantry could not start the runs; redeliver the event from GitLab once Gantry is healthy',
      );
    }
  });

  /** Whose secret the token is; undefined for none, and always while GitLab is not set up. */
  function senderOf(secrets: WebhookSecrets, token: string | undefined): Sender | undefined {
    if (!token || secrets.shared === undefined) return undefined;
    if (secretMatches(token, secrets.shared)) return { project: null };
    // Looked up by its hash: the lookup's timing can only tell about the hash of a wrong token.
    const project = secrets.projectBySecretHash.get(webhookSecretHash(token));
    return project === undefined ? undefined : { project };
  }

  /**
   * Whether the secret may speak for the delivery's project: a project's own secret for that
   * project only, the shared secret for any project without its own.
   */
  function sentFor(
    secrets: WebhookSecrets,
    sender: Sender,
    projectPath: string | undefined,
  ): boolean {
    // Project hooks are kept by the lower-cased path, as stacks are matched to projects.
    const project = projectPath?.toLowerCase();
    if (sender.project !== null) return sender.project === project;
    if (project === undefined) return true;
    return !secrets.projectsWithOwnSecret.has(project);
  }

  return router;
}

/** The JSON body, read only after the delivery is authenticated. */
async function readBody(req: Request, limit: number): Promise<unknown> {
  const body = await readRawBody(req, limit, { drain: true });
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new Error(`the body is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
