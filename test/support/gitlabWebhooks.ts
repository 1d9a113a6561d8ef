import { randomUUID } from 'node:crypto';
import type { GitLabProjectRecord } from './gitlabServer';

/**
 * Webhook deliveries as GitLab sends them: the headers (X-Gitlab-Event, X-Gitlab-Token,
 * X-Gitlab-Event-UUID, X-Gitlab-Instance, the GitLab user agent) and the documented payloads.
 */
export interface WebhookDelivery {
  event: 'Push Hook' | 'Tag Push Hook' | 'Merge Request Hook' | 'Issue Hook';
  body: unknown;
  /** The same for every redelivery of one event. */
  uuid: string;
}

export interface Pusher {
  id: number;
  username: string;
  name: string;
}

function projectJson(gitlabUrl: string, project: GitLabProjectRecord) {
  const web = `${gitlabUrl}/${project.pathWithNamespace}`;
  return {
    id: project.id,
    name: project.name,
    description: '',
    web_url: web,
    avatar_url: null,
    git_ssh_url: `git@gitlab.example.com:${project.pathWithNamespace}.git`,
    git_http_url: `${web}.git`,
    namespace: project.pathWithNamespace.split('/').slice(0, -1).join('/'),
    visibility_level: 0,
    path_with_namespace: project.pathWithNamespace,
    default_branch: project.defaultBranch,
    ci_config_path: null,
    homepage: web,
    url: `git@gitlab.example.com:${project.pathWithNamespace}.git`,
    ssh_url: `git@gitlab.example.com:${project.pathWithNamespace}.git`,
    http_url: `${web}.git`,
  };
}

function commitJson(gitlabUrl: string, project: GitLabProjectRecord, sha: string, title: string) {
  return {
    id: sha,
    message: `${title}\n`,
    title,
    timestamp: new Date().toISOString(),
    url: `${gitlabUrl}/${project.pathWithNamespace}/-/commit/${sha}`,
    author: { name: 'Ada Lovelace', email: 'ada@example.com' },
    added: ['main.tf'],
    modified: [],
    removed: [],
  };
}

/** A Push Hook (or Tag Push Hook, for a refs/tags/ ref) of `after` onto `ref`. */
export function pushHook(
  gitlabUrl: string,
  project: GitLabProjectRecord,
  pusher: Pusher,
  options: {
    ref: string;
    before?: string;
    after: string;
    /** The commit a tag names, when `after` is an annotated tag's own object. */
    checkoutSha?: string;
    title?: string;
    /** GitLab lists no commits for a new branch pushed with nothing new, and at most 20. */
    listCommits?: boolean;
  },
): WebhookDelivery {
  const tag = options.ref.startsWith('refs/tags/');
  const deleted = /^0{40}$/.test(options.after);
  return {
    event: tag ? 'Tag Push Hook' : 'Push Hook',
    uuid: randomUUID(),
    body: {
      object_kind: tag ? 'tag_push' : 'push',
      event_name: tag ? 'tag_push' : 'push',
      before: options.before ?? '0'.repeat(40),
      after: options.after,
      ref: options.ref,
      ref_protected: options.ref === `refs/heads/${project.defaultBranch}`,
      checkout_sha: deleted ? null : (options.checkoutSha ?? options.after),
      message: null,
      user_id: pusher.id,
      user_name: pusher.name,
      user_username: pusher.username,
      user_email: '',
      user_avatar: null,
      project_id: project.id,
      project: projectJson(gitlabUrl, project),
      commits:
        deleted || options.listCommits === false
          ? []
          : [commitJson(gitlabUrl, project, options.after, options.title ?? 'Change the marker')],
      total_commits_count: deleted ? 0 : 1,
      push_options: {},
      repository: {
        name: project.name,
        url: `git@gitlab.example.com:${project.pathWithNamespace}.git`,
        description: '',
        homepage: `${gitlabUrl}/${project.pathWithNamespace}`,
      },
    },
  };
}

/** A Merge Request Hook; `oldrev` is what GitLab adds to an update that brought new commits. */
export function mergeRequestHook(
  gitlabUrl: string,
  project: GitLabProjectRecord,
  author: Pusher,
  options: {
    iid: number;
    action: 'open' | 'reopen' | 'update' | 'close' | 'merge' | 'approved';
    sourceBranch: string;
    targetBranch?: string;
    head: string;
    oldrev?: string;
    sourceProjectId?: number;
    changes?: Record<string, unknown>;
  },
): WebhookDelivery {
  const state = { close: 'closed', merge: 'merged' }[options.action as string] ?? 'opened';
  return {
    event: 'Merge Request Hook',
    uuid: randomUUID(),
    body: {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user: {
        id: author.id,
        name: author.name,
        username: author.username,
        avatar_url: null,
        email: '[REDACTED]',
      },
      project: projectJson(gitlabUrl, project),
      object_attributes: {
        id: 1000 + options.iid,
        iid: options.iid,
        title: `Change the marker (!${options.iid})`,
        description: '',
        state,
        action: options.action,
        source_branch: options.sourceBranch,
        target_branch: options.targetBranch ?? project.defaultBranch,
        source_project_id: options.sourceProjectId ?? project.id,
        target_project_id: project.id,
        author_id: author.id,
        merge_status: 'can_be_merged',
        detailed_merge_status: 'mergeable',
        url: `${gitlabUrl}/${project.pathWithNamespace}/-/merge_requests/${options.iid}`,
        last_commit: commitJson(gitlabUrl, project, options.head, 'Change the marker'),
        work_in_progress: false,
        draft: false,
        ...(options.oldrev ? { oldrev: options.oldrev } : {}),
      },
      labels: [],
      changes: options.changes ?? {},
      repository: {
        name: project.name,
        url: `git@gitlab.example.com:${project.pathWithNamespace}.git`,
        description: '',
        homepage: `${gitlabUrl}/${project.pathWithNamespace}`,
      },
    },
  };
}

/** The headers GitLab sends a delivery with; `token` is the hook's secret token, if it has one. */
export function deliveryHeaders(
  delivery: WebhookDelivery,
  token: string | undefined,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitLab/18.5.0',
    'x-gitlab-event': delivery.event,
    'x-gitlab-event-uuid': delivery.uuid,
    'x-gitlab-webhook-uuid': '4d1c2b6e-7d4b-4c8f-9d1e-0f7b2a6c3e11',
    'x-gitlab-instance': 'https://gitlab.example.com',
    ...(token === undefined ? {} : { 'x-gitlab-token': token }),
  };
}

/** Sends a delivery to Gantry as GitLab does; the answer's status and JSON body. */
export async function deliver(
  url: string,
  delivery: WebhookDelivery,
  token: string | undefined,
): Promise<{
  status: number;
  body: { message?: string; runs?: Array<{ id: string; stack: string; type: string }> };
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: deliveryHeaders(delivery, token),
    body: JSON.stringify(delivery.body),
  });
  return { status: response.status, body: (await response.json()) as never };
}
