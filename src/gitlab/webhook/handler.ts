import { ulid } from '../../platform/ids';
import type { Database } from '../../db';
import { ConflictError } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { Run } from '../../runs/store';
import type { RunService } from '../../runs/service';
import { RunType } from '../../runs/types';
import type { Stack } from '../../stacks/service';
import { stacksOfGitLabProject } from '../../stacks/store';
import { tracksTag } from '../../stacks/tags';
import type { CommitInfo } from '../../vcs';
import { GitLabError, type GitLabApi, type GitLabCommit, type GitLabTag } from '../api';
import { createDeliveryLog } from './deliveryLog';
import {
  commitInfo,
  describedBy,
  NO_COMMIT,
  type GitLabEvent,
  type MergeRequestEvent,
  type PushEvent,
} from './events';

const NOT_CONNECTED =
  'Gantry is not connected to GitLab; an admin sets that up with gitlabIntegrationSetup';

/** What one delivery came to, as recorded and answered. */
export interface Outcome {
  outcome: string;
  runs: Run[];
}

/**
 * GitLab could not say what a delivery's runs depend on (a branch's head, a tag's commit or
 * protection) for now; worth redelivering.
 */
export class Unverified extends Error {}

export interface WebhookHandlerDependencies {
  db: Database;
  runs: RunService;
  logger: Logger;
  /**
   * The connected GitLab, asked for the head of a tracked branch, a tag's commit and whether it
   * is protected (one read of the tag, which a Reporter may make), and for unlisted commits.
   */
  gitlabApi: () => Promise<GitLabApi | undefined>;
}

/**
 * What GitLab's events start: runs of every stack whose repository is the event's project. A
 * tracked run starts only for the head of the tracked branch as GitLab has it. A redelivered
 * event, or the same commit arriving by push and by merge request, makes no second run. Each
 * delivery is recorded with what came of it, behind its answer (./deliveryLog.ts).
 */
export function createWebhookHandler(deps: WebhookHandlerDependencies) {
  const { logger } = deps;
  const deliveries = createDeliveryLog(deps.db, logger);

  /** Starts what the event calls for and records the delivery. */
  async function handle(
    delivery: { event: string; uuid: string | undefined },
    payload: GitLabEvent,
  ): Promise<Outcome> {
    const result =
      payload.object_kind === 'merge_request' ? await mergeRequest(payload) : await push(payload);
    record(delivery.event, delivery.uuid, payload, result);
    return result;
  }

  /** Records a delivery that starts nothing before its payload is even read whole. */
  function ignore(
    delivery: { event: string; uuid: string | undefined },
    ignored: { project: string; iid: number | null; outcome: string },
  ): void {
    deliveries.record({
      id: ulid(),
      eventUuid: delivery.uuid ?? null,
      event: delivery.event,
      project: ignored.project,
      mergeRequestIid: ignored.iid,
      outcome: ignored.outcome,
    });
  }

  async function stacksOf(projectPath: string): Promise<Stack[]> {
    return stacksOfGitLabProject(deps.db, projectPath);
  }

  async function push(payload: PushEvent): Promise<Outcome> {
    if (payload.object_kind === 'tag_push') return tagPush(payload);
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
        ? deps.runs.trackPush(stack, { commit, triggeredBy, dedupeKey })
        : deps.runs.proposeRun(stack, { branch, commit, triggeredBy, dedupeKey });
    });
  }

  /**
   * A pushed tag starts a tracked run at its commit on each stack whose trackTags matches its
   * name, if the tag is protected in GitLab. A tracked run applies with the stack's credentials,
   * and anyone who may push may push an unprotected tag (GitLab protects none by default), at
   * any commit, reviewed or not; a protected tag only those GitLab lets create it. As with a
   * branch, the commit is the one GitLab says the tag names now, never one the payload merely
   * names: a tag moved since is run where it is, once its own push arrives. One read of the tag
   * says both, which GitLab lets anyone who may read the code make (Reporters and up).
   */
  async function tagPush(payload: PushEvent): Promise<Outcome> {
    const tag = payload.ref.replace(/^refs\/tags\//, '');
    const sha = payload.checkout_sha;
    if (!sha || NO_COMMIT.test(payload.after)) {
      return { outcome: `tag "${tag}" was deleted; nothing to run`, runs: [] };
    }
    const projectPath = payload.project.path_with_namespace;
    const stacks = (await stacksOf(projectPath)).filter((stack) => tracksTag(stack.trackTags, tag));
    if (stacks.length === 0) {
      return {
        outcome: `no GitLab stack of project "${projectPath}" tracks tag "${tag}" (trackTags); nothing to run`,
        runs: [],
      };
    }
    let tagged: GitLabTag | undefined;
    try {
      tagged = await tagOf(projectPath, tag);
    } catch (error) {
      if (!(error instanceof Denied)) throw error;
      // No redelivery mends this: answered, not failed, lest GitLab disable the webhook.
      return {
        outcome: `tag "${tag}" starts no tracked run: the integration's token cannot read the tags of GitLab project "${projectPath}" (${error.message}). Reading them takes a token GitLab accepts whose user has the Reporter role or higher in the project; see to that, then push the tag again`,
        runs: [],
      };
    }
    if (tagged?.commit.id !== sha) {
      const now = tagged ? `it names ${tagged.commit.id}` : 'GitLab has no such tag';
      return {
        outcome: `tag "${tag}" does not name ${sha} (${now}); tracked runs start only at the commit a tag names, so nothing was started`,
        runs: [],
      };
    }
    if (!tagged.protected) {
      const patterns = [...new Set(stacks.map((stack) => `"${stack.trackTags}"`))].join(', ');
      return {
        outcome: `tag "${tag}" is not protected in GitLab: anyone who may push could have set it, so it starts no tracked run. Protect tags matching ${patterns} in GitLab's Settings → Repository → Protected tags, then push the tag again`,
        runs: [],
      };
    }
    const commit = describedBy(tagged.commit);
    return startEach(stacks, (stack) =>
      deps.runs.trackTag(stack, {
        tag,
        commit,
        triggeredBy: payload.user_username ?? null,
        // One run per stack, tag and commit, however often GitLab delivers the push.
        dedupeKey: `${stack.id}:${commit.hash}:${RunType.TRACKED}:refs/tags/${tag}`,
      }),
    );
  }

  /**
   * A project's tag as GitLab has it now, its commit and whether it is protected in one answer;
   * undefined if there is no such tag. A token GitLab does not let read it (401, 403) is Denied:
   * that lasts until someone changes the token or its role.
   */
  function tagOf(projectPath: string, tag: string): Promise<GitLabTag | undefined> {
    return fromGitLab(`tag "${tag}" as GitLab has it`, async (api) => {
      try {
        return await api.tag(projectPath, tag);
      } catch (error) {
        if (error instanceof GitLabError && (error.status === 401 || error.status === 403)) {
          throw new Denied(error.message);
        }
        throw error;
      }
    });
  }

  /** The head of a project's branch as GitLab has it now; undefined if there is no such branch. */
  function branchHead(projectPath: string, branch: string): Promise<GitLabCommit | undefined> {
    return fromGitLab(`the head of branch "${branch}"`, (api) =>
      api.branchHead(projectPath, branch),
    );
  }

  /**
   * What GitLab answers now; undefined when GitLab has no such thing (404). When GitLab cannot
   * say, nothing may start: the delivery fails, to be redelivered.
   */
  async function fromGitLab<T>(
    what: string,
    read: (api: GitLabApi) => Promise<T>,
  ): Promise<T | undefined> {
    const api = await deps.gitlabApi();
    if (!api) throw unknown(what, NOT_CONNECTED);
    try {
      return await read(api);
    } catch (error) {
      if (error instanceof GitLabError && error.status === 404) return undefined;
      if (error instanceof Denied) throw error;
      throw unknown(what, (error as Error).message);
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
      deps.runs.proposeRun(stack, {
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

  function record(event: string, uuid: string | undefined, payload: GitLabEvent, result: Outcome) {
    const mr = payload.object_kind === 'merge_request' ? payload.object_attributes : undefined;
    deliveries.record({
      id: ulid(),
      eventUuid: uuid ?? null,
      event,
      project: payload.project.path_with_namespace,
      ref: mr ? mr.source_branch : (payload as PushEvent).ref,
      commitHash: mr
        ? mr.last_commit.id
        : ((payload as PushEvent).checkout_sha ?? (payload as PushEvent).after),
      mergeRequestIid: mr?.iid ?? null,
      outcome: result.outcome,
      runIds: result.runs.map((run) => run.id),
    });
  }

  return {
    handle,
    ignore,
    /** Resolves once every delivery answered so far is recorded; for a process that stops. */
    recorded: () => deliveries.flushed(),
  };
}

export type WebhookHandler = ReturnType<typeof createWebhookHandler>;

/** GitLab does not let the integration's token read what a delivery depends on. */
class Denied extends Error {}

/** Why nothing was started: GitLab could not say `what`. */
function unknown(what: string, why: string): Unverified {
  return new Unverified(
    `nothing was started: ${what} is unknown (${why}); redeliver the event from GitLab once that is fixed`,
  );
}

function noStacks(projectPath: string): Outcome {
  return { outcome: `no GitLab stack uses project "${projectPath}"; nothing to run`, runs: [] };
}
