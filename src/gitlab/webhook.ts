import express, { type Request, type Response, type Router } from 'express';
import { sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import { z } from 'zod';
import { BodyTooLargeError, readRawBody } from '../api/rawBody';
import { secretMatches } from '../auth/tokens';
import { schema, type Database } from '../db';
import type { Run, Stack } from '../db/schema';
import type { Logger } from '../logger';
import { ConflictError, type RunService } from '../runs/service';
import { RunType } from '../runs/types';
import type { SecretBox } from '../secrets';
import type { CommitInfo } from '../vcs';
import type { GitLabApi } from './api';

const NO_COMMIT = /^0{40}$/;

// The parts of GitLab's webhook payloads Gantry reads; everything else is let through.
const project = z.object({ path_with_namespace: z.string().min(1) });
const commit = z.object({
  id: z.string(),
  message: z.string().default(''),
  title: z.string().optional(),
  timestamp: z.string().optional(),
  url: z.string().default(''),
  author: z.object({ name: z.string().default('') }).optional(),
});
const pushEvent = z.object({
  object_kind: z.enum(['push', 'tag_push']),
  ref: z.string().min(1),
  after: z.string().regex(/^[0-9a-f]{40}$/, 'is not a commit hash'),
  user_username: z.string().optional(),
  user_name: z.string().optional(),
  project,
  commits: z.array(commit).default([]),
});
const mergeRequestEvent = z.object({
  object_kind: z.literal('merge_request'),
  user: z.object({ username: z.string() }).optional(),
  project,
  object_attributes: z.object({
    iid: z.number().int().positive(),
    action: z.string().optional(),
    state: z.string().optional(),
    oldrev: z.string().optional(),
    source_branch: z.string().min(1),
    // Null once a fork is deleted.
    source_project_id: z.number().int().nullable(),
    target_project_id: z.number().int(),
    last_commit: commit,
  }),
});

type PushEvent = z.infer<typeof pushEvent>;
type MergeRequestEvent = z.infer<typeof mergeRequestEvent>;

/** What one delivery came to, as recorded and answered. */
interface Outcome {
  outcome: string;
  runs: Run[];
}

/** A request GitLab should not repeat as it is: the answer says what is wrong. */
class BadDelivery extends Error {}

/**
 * POST /webhooks/gitlab: GitLab's project webhooks (push, tag push and merge request events)
 * turn into runs of every stack whose repository is the event's project. A delivery is
 * authenticated by its X-Gitlab-Token before its body is even read; a redelivered event, or
 * the same commit arriving by push and by merge request, makes no second run. Each accepted
 * delivery is recorded with what came of it.
 */
export function gitlabWebhookRouter(deps: {
  db: Database;
  box: SecretBox;
  runs: RunService;
  logger: Logger;
  maxBodyBytes: number;
  /** The connected GitLab, asked for a pushed commit the payload does not describe. */
  gitlabApi: () => Promise<GitLabApi | undefined>;
}): Router {
  const logger = deps.logger.child({ component: 'gitlab-webhook' });
  const router = express.Router();

  router.post('/', async (req: Request, res: Response) => {
    const refuse = (status: number, message: string) => res.status(status).json({ message });
    const [integration] = await deps.db
      .select({ secret: schema.gitlabIntegration.encryptedWebhookSecret })
      .from(schema.gitlabIntegration);
    const token = req.get('x-gitlab-token');
    if (!integration || !token || !secretMatches(token, deps.box.open(integration.secret))) {
      return refuse(
        401,
        'X-Gitlab-Token does not match the webhook secret gitlabIntegration shows',
      );
    }
    const body = await readBody(req, deps.maxBodyBytes).catch((error: Error) => error);
    if (body instanceof Error)
      return refuse(body instanceof BodyTooLargeError ? 413 : 400, body.message);

    const event = req.get('x-gitlab-event') ?? '';
    if (!['Push Hook', 'Tag Push Hook', 'Merge Request Hook'].includes(event)) {
      return res.status(200).json({ message: `"${event}" events are not used; nothing was done` });
    }
    try {
      const ignored = ignoredMergeRequest(event, body);
      if (ignored) {
        await deps.db.insert(schema.gitlabWebhookEvents).values({
          id: ulid(),
          eventUuid: req.get('x-gitlab-event-uuid') ?? null,
          event,
          project: ignored.project,
          mergeRequestIid: ignored.iid,
          outcome: ignored.outcome,
        });
        return res.status(200).json({ message: ignored.outcome, runs: [] });
      }
      const payload = parse(event, body);
      const result =
        payload.object_kind === 'merge_request' ? await mergeRequest(payload) : await push(payload);
      await record(event, req.get('x-gitlab-event-uuid'), payload, result);
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
      logger.error({ err: error, event }, 'handling gitlab webhook');
      refuse(
        503,
        'Gantry could not start the runs; redeliver the event from GitLab once Gantry is healthy',
      );
    }
  });

  async function stacksOf(projectPath: string): Promise<Stack[]> {
    return deps.db
      .select()
      .from(schema.stacks)
      .where(
        sql`${schema.stacks.provider} = 'GITLAB' and lower(${schema.stacks.repository}) = lower(${projectPath})`,
      )
      .orderBy(schema.stacks.id);
  }

  async function push(payload: PushEvent): Promise<Outcome> {
    if (payload.object_kind === 'tag_push') {
      return { outcome: `tag push to ${payload.ref} recorded; tags start no runs`, runs: [] };
    }
    const branch = payload.ref.replace(/^refs\/heads\//, '');
    if (NO_COMMIT.test(payload.after)) {
      return { outcome: `branch "${branch}" was deleted; nothing to run`, runs: [] };
    }
    const stacks = await stacksOf(payload.project.path_with_namespace);
    if (stacks.length === 0) return noStacks(payload.project.path_with_namespace);
    const listed = payload.commits.find((found) => found.id === payload.after);
    const pushed = listed
      ? commitInfo(listed)
      : await describeCommit(payload.project.path_with_namespace, payload.after, payload.user_name);
    return startEach(stacks, (stack) => {
      const triggeredBy = payload.user_username ?? null;
      const type = stack.branch === branch ? RunType.TRACKED : RunType.PROPOSED;
      const dedupeKey = `${stack.id}:${pushed.hash}:${type}`;
      return type === RunType.TRACKED
        ? deps.runs.trackRun(stack.id, { commit: pushed, triggeredBy, dedupeKey })
        : deps.runs.proposeRun(stack.id, { branch, commit: pushed, triggeredBy, dedupeKey });
    });
  }

  /**
   * A pushed commit GitLab left out of the payload (it lists at most 20, and none for a new
   * branch), as GitLab describes it; the bare hash if GitLab cannot say.
   */
  async function describeCommit(
    projectPath: string,
    sha: string,
    pusher?: string,
  ): Promise<CommitInfo> {
    try {
      const api = await deps.gitlabApi();
      const found = api && (await api.commit(projectPath, sha));
      if (found) {
        return {
          hash: found.id,
          message: found.title,
          authorName: found.authorName,
          timestamp: new Date(found.authoredDate),
          url: found.webUrl,
        };
      }
    } catch (error) {
      logger.warn({ err: error, project: projectPath, commit: sha }, 'describing pushed commit');
    }
    return commitInfo({ id: sha }, pusher);
  }

  async function mergeRequest(payload: MergeRequestEvent): Promise<Outcome> {
    const mr = payload.object_attributes;
    // A fork's code would run with the stack's secrets: only the project's own branches plan.
    if (mr.source_project_id !== mr.target_project_id) {
      return {
        outcome: `merge request !${mr.iid} comes from a fork; forks start no runs`,
        runs: [],
      };
    }
    const stacks = await stacksOf(payload.project.path_with_namespace);
    if (stacks.length === 0) return noStacks(payload.project.path_with_namespace);
    const head = commitInfo(mr.last_commit);
    return startEach(stacks, (stack) =>
      deps.runs.proposeRun(stack.id, {
        branch: mr.source_branch,
        commit: head,
        triggeredBy: payload.user?.username ?? null,
        dedupeKey: `${stack.id}:${head.hash}:${RunType.PROPOSED}`,
        mergeRequestIid: mr.iid,
      }),
    );
  }

  /** Starts a run for each stack; a stack a person has locked is left out, saying so. */
  async function startEach(
    stacks: Stack[],
    start: (stack: Stack) => Promise<Run>,
  ): Promise<Outcome> {
    const runs: Run[] = [];
    const skipped: string[] = [];
    for (const stack of stacks) {
      try {
        runs.push(await start(stack));
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        skipped.push(`${stack.id}: ${error.message}`);
      }
    }
    const started = `runs: ${runs.map((run) => `${run.stackId}/${run.id}`).join(', ') || 'none'}`;
    return {
      outcome: skipped.length ? `${started}; skipped ${skipped.join('; ')}` : started,
      runs,
    };
  }

  async function record(
    event: string,
    uuid: string | undefined,
    payload: PushEvent | MergeRequestEvent,
    result: Outcome,
  ) {
    const mr = payload.object_kind === 'merge_request' ? payload.object_attributes : undefined;
    await deps.db.insert(schema.gitlabWebhookEvents).values({
      id: ulid(),
      eventUuid: uuid ?? null,
      event,
      project: payload.project.path_with_namespace,
      ref: mr ? mr.source_branch : (payload as PushEvent).ref,
      commitHash: mr ? mr.last_commit.id : (payload as PushEvent).after,
      mergeRequestIid: mr?.iid ?? null,
      outcome: result.outcome,
      runIds: result.runs.map((run) => run.id),
    });
  }

  return router;
}

/**
 * Why a merge request event starts nothing, judged before the rest of its payload is: GitLab
 * disables a webhook after a few 4xx answers in a row, so an event Gantry does not use is
 * never refused for the shape of fields it would not read.
 */
function ignoredMergeRequest(
  event: string,
  body: unknown,
): { outcome: string; project: string; iid: number | null } | undefined {
  if (event !== 'Merge Request Hook') return undefined;
  const attributes = z
    .object({
      project: z.object({ path_with_namespace: z.string() }).optional(),
      object_attributes: z.object({
        iid: z.number().int().optional(),
        action: z.string().optional(),
        oldrev: z.string().optional(),
      }),
    })
    .safeParse(body);
  if (!attributes.success) return undefined;
  const { iid, action, oldrev } = attributes.data.object_attributes;
  const newCommits = action === 'update' && Boolean(oldrev);
  if (action === 'open' || action === 'reopen' || newCommits) return undefined;
  return {
    outcome: `merge request !${iid ?? '?'} ${action ?? 'changed'} without new commits; nothing to run`,
    project: attributes.data.project?.path_with_namespace ?? '',
    iid: iid ?? null,
  };
}

function noStacks(projectPath: string): Outcome {
  return { outcome: `no GitLab stack uses project "${projectPath}"; nothing to run`, runs: [] };
}

function parse(event: string, body: unknown): PushEvent | MergeRequestEvent {
  const parsed = (event === 'Merge Request Hook' ? mergeRequestEvent : pushEvent).safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadDelivery(
      `the ${event} payload is malformed: ${issue.path.join('.') || 'body'} ${issue.message}`,
    );
  }
  return parsed.data;
}

function commitInfo(
  found: Partial<z.infer<typeof commit>> & { id: string },
  pusher?: string,
): CommitInfo {
  return {
    hash: found.id,
    message: found.title ?? found.message?.split('\n')[0] ?? '',
    authorName: found.author?.name ?? pusher ?? '',
    timestamp: found.timestamp ? new Date(found.timestamp) : new Date(),
    url: found.url ?? '',
  };
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
