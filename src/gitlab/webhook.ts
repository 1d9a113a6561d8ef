import express, { type Request, type Response, type Router } from 'express';
import { eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { z } from 'zod';
import { BodyTooLargeError, readRawBody } from '../platform/http';
import { secretMatches } from '../auth/tokens';
import type { Database } from '../db';
import type { Logger } from '../platform/logger';
import { type RunService } from '../runs/service';
import { RunType } from '../runs/types';
import type { SecretBox } from '../platform/secrets';
import type { CommitInfo } from '../vcs';
import { GitLabError, type GitLabApi, type GitLabCommit } from './api';
import { webhookSecretHash } from './integration';
import * as tables from './tables';
import { stacksOfGitLabProject } from '../stacks/store';
import type { Run } from '../runs/store';
import type { Stack } from '../stacks/service';
import { ConflictError } from '../platform/errors';

// The all-zero commit of a deleted branch, SHA-1 or SHA-256.
const NO_COMMIT = /^0+$/;
// PostgreSQL's integer, which keeps merge request iids.
const MAX_IID = 2_147_483_647;

// The parts of GitLab's webhook payloads Gantry reads; everything else is let through. What
// Gantry stores must be storable: PostgreSQL's text holds no NUL, its timestamps start at 1 AD.
const text = z.string().refine((value) => !value.includes('\0'), 'contains a NUL byte');
const commitId = z
  .string()
  .regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'is not a commit hash (40 or 64 hex digits)');
const timestamp = z.iso
  .datetime({ offset: true, error: 'is not an ISO 8601 date and time' })
  .refine((value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1 && year <= 9999;
  }, 'is not a date between the years 1 and 9999');
const mergeRequestIid = z
  .number()
  .refine(
    (value) => Number.isInteger(value) && value >= 1 && value <= MAX_IID,
    `is not a merge request iid (an integer from 1 to ${MAX_IID})`,
  );
// A branch as git names it, and short enough for Temporal's search attributes (2 KB each).
const branchRef = text
  .min(1)
  .refine((value) => !/\p{Cc}/u.test(value), 'contains a control character')
  .refine((value) => Buffer.byteLength(value) <= 1000, 'is longer than 1000 bytes');
// GitLab's own limit; the username goes to the run's workflow as who triggered it.
const username = text.max(255, 'is longer than 255 characters');
const project = z.object({ path_with_namespace: text.min(1) });
const commit = z.object({
  id: commitId,
  message: text.default(''),
  title: text.optional(),
  timestamp: timestamp.optional(),
  url: text.default(''),
  author: z.object({ name: text.default('') }).optional(),
});
const pushEvent = z.object({
  object_kind: z.enum(['push', 'tag_push']),
  ref: branchRef,
  after: commitId,
  user_username: username.optional(),
  user_name: text.optional(),
  project,
  commits: z.array(commit).default([]),
});
const mergeRequestEvent = z.object({
  object_kind: z.literal('merge_request'),
  user: z.object({ username }).optional(),
  project,
  object_attributes: z.object({
    iid: mergeRequestIid,
    action: z.string().optional(),
    state: z.string().optional(),
    oldrev: z.string().optional(),
    source_branch: branchRef,
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

/** GitLab could not say whether a pushed commit is its branch's head; worth redelivering. */
class Unverified extends Error {}

/** Whose secret a delivery's X-Gitlab-Token is: a project's own, or the shared one (null). */
interface Sender {
  project: string | null;
}

/**
 * POST /webhooks/gitlab: GitLab's project webhooks (push, tag push and merge request events)
 * turn into runs of every stack whose repository is the event's project. A delivery is
 * authenticated by its X-Gitlab-Token before its body is even read: the project's own secret
 * (gitlabWebhookSecretRotate) or, for a project without one, gitlabIntegration's. A tracked
 * run starts only for the head of the tracked branch as GitLab has it. A redelivered event, or
 * the same commit arriving by push and by merge request, makes no second run. Each accepted
 * delivery is recorded with what came of it.
 */
export function gitlabWebhookRouter(deps: {
  db: Database;
  box: SecretBox;
  runs: RunService;
  logger: Logger;
  maxBodyBytes: number;
  /** The connected GitLab, asked for the head of a tracked branch and for unlisted commits. */
  gitlabApi: () => Promise<GitLabApi | undefined>;
}): Router {
  const logger = deps.logger.child({ component: 'gitlab-webhook' });
  const router = express.Router();

  router.post('/', async (req: Request, res: Response) => {
    const refuse = (status: number, message: string) => res.status(status).json({ message });
    const sender = await senderOf(req.get('x-gitlab-token'));
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
    if (!(await sentFor(sender, projectPath))) {
      return refuse(
        401,
        `X-Gitlab-Token does not match the webhook secret of project "${projectPath ?? ''}"; set the hook's secret token to the project's own secret from gitlabWebhookSecretRotate, or to gitlabIntegration's webhookSecret if the project has none`,
      );
    }

    const event = req.get('x-gitlab-event') ?? '';
    if (!['Push Hook', 'Tag Push Hook', 'Merge Request Hook'].includes(event)) {
      return res.status(200).json({ message: `"${event}" events are not used; nothing was done` });
    }
    try {
      const ignored = ignoredMergeRequest(event, body);
      if (ignored) {
        await deps.db.insert(tables.gitlabWebhookEvents).values({
          id: ulid(),
          eventUuid: req.get('x-gitlab-event-uuid') ?? null,
          event,
          project: projectPath ?? '',
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
      if (error instanceof Unverified) return refuse(503, error.message);
      logger.error({ err: error, event }, 'handling gitlab webhook');
      refuse(
        503,
        'Gantry could not start the runs; redeliver the event from GitLab once Gantry is healthy',
      );
    }
  });

  /** Whose secret the token is; undefined for none, and always while GitLab is not set up. */
  async function senderOf(token: string | undefined): Promise<Sender | undefined> {
    if (!token) return undefined;
    const [integration] = await deps.db
      .select({ secret: tables.gitlabIntegration.encryptedWebhookSecret })
      .from(tables.gitlabIntegration);
    if (!integration) return undefined;
    if (secretMatches(token, deps.box.open(integration.secret))) return { project: null };
    // Looked up by its hash: the lookup's timing can only tell about the hash of a wrong token.
    const [hook] = await deps.db
      .select({ project: tables.gitlabProjectHooks.project })
      .from(tables.gitlabProjectHooks)
      .where(eq(tables.gitlabProjectHooks.secretHash, webhookSecretHash(token)));
    return hook ? { project: hook.project } : undefined;
  }

  /**
   * Whether the secret may speak for the delivery's project: a project's own secret for that
   * project only, the shared secret for any project without its own.
   */
  async function sentFor(sender: Sender, projectPath: string | undefined): Promise<boolean> {
    // Project hooks are kept by the lower-cased path, as stacks are matched to projects.
    const project = projectPath?.toLowerCase();
    if (sender.project !== null) return sender.project === project;
    if (project === undefined) return true;
    const [own] = await deps.db
      .select({ project: tables.gitlabProjectHooks.project })
      .from(tables.gitlabProjectHooks)
      .where(eq(tables.gitlabProjectHooks.project, project));
    return !own;
  }

  async function stacksOf(projectPath: string): Promise<Stack[]> {
    return stacksOfGitLabProject(deps.db, projectPath);
  }

  async function push(payload: PushEvent): Promise<Outcome> {
    if (payload.object_kind === 'tag_push') {
      return { outcome: `tag push to ${payload.ref} recorded; tags start no runs`, runs: [] };
    }
    const branch = payload.ref.replace(/^refs\/heads\//, '');
    if (NO_COMMIT.test(payload.after)) {
      return { outcome: `branch "${branch}" was deleted; nothing to run`, runs: [] };
    }
    const projectPath = payload.project.path_with_namespace;
    const stacks = await stacksOf(projectPath);
    if (stacks.length === 0) return noStacks(projectPath);
    // A tracked run applies its commit: only the branch's head as GitLab has it, never a
    // commit a payload merely names, nor an older push delivered late.
    const tracked = stacks.some((stack) => stack.branch === branch);
    const head = tracked ? await branchHead(projectPath, branch) : undefined;
    if (tracked && head?.id !== payload.after) {
      const now = head ? `its head is ${head.id}` : 'GitLab has no such branch';
      return {
        outcome: `${payload.after} is not the head of branch "${branch}" (${now}); tracked runs start only for the head, so nothing was started`,
        runs: [],
      };
    }
    const listed = payload.commits.find((found) => found.id === payload.after);
    const commit = listed
      ? commitInfo(listed)
      : head
        ? describedBy(head)
        : await describeCommit(projectPath, payload.after, payload.user_name);
    return startEach(stacks, (stack) => {
      const triggeredBy = payload.user_username ?? null;
      const type = stack.branch === branch ? RunType.TRACKED : RunType.PROPOSED;
      const dedupeKey = `${stack.id}:${commit.hash}:${type}`;
      return type === RunType.TRACKED
        ? deps.runs.trackRun(stack.id, { commit, triggeredBy, dedupeKey })
        : deps.runs.proposeRun(stack.id, { branch, commit, triggeredBy, dedupeKey });
    });
  }

  /** The head of a project's branch as GitLab has it now; undefined if there is no such branch. */
  async function branchHead(
    projectPath: string,
    branch: string,
  ): Promise<GitLabCommit | undefined> {
    const unknown = (why: string) =>
      new Unverified(
        `nothing was started: the head of branch "${branch}" is unknown (${why}); redeliver the event from GitLab once that is fixed`,
      );
    const api = await deps.gitlabApi();
    if (!api) {
      throw unknown(
        'Gantry is not connected to GitLab; an admin sets that up with gitlabIntegrationSetup',
      );
    }
    try {
      return await api.branchHead(projectPath, branch);
    } catch (error) {
      if (error instanceof GitLabError && error.status === 404) return undefined;
      throw unknown((error as Error).message);
    }
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
      if (found) return describedBy(found);
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
    await deps.db.insert(tables.gitlabWebhookEvents).values({
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
 * never refused for the shape of fields it would not read. What is kept of it must fit the
 * record: an iid out of range is kept as unknown, an action that is not a plain word as none.
 */
function ignoredMergeRequest(
  event: string,
  body: unknown,
): { outcome: string; iid: number | null } | undefined {
  if (event !== 'Merge Request Hook') return undefined;
  const attributes = z
    .object({
      object_attributes: z.object({
        iid: mergeRequestIid.optional().catch(undefined),
        action: z
          .string()
          .regex(/^[a-z_]+$/)
          .optional()
          .catch(undefined),
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
    iid: iid ?? null,
  };
}

/** The path of the project a delivery names; undefined if it names none. */
function projectOf(body: unknown): string | undefined {
  const named = z
    .object({ project: z.object({ path_with_namespace: z.string() }) })
    .safeParse(body);
  return named.success ? named.data.project.path_with_namespace : undefined;
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

function describedBy(found: GitLabCommit): CommitInfo {
  return {
    hash: found.id,
    message: found.title,
    authorName: found.authorName,
    timestamp: new Date(found.authoredDate),
    url: found.webUrl,
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
