import { z } from 'zod';
import type { CommitInfo } from '../../vcs';
import type { GitLabCommit } from '../api';

/**
 * GitLab's webhook payloads as Gantry reads them: checked with zod and turned into the
 * neutral events the handler acts on (./handler.ts). Nothing here knows HTTP or the database.
 */

// The all-zero commit of a deleted branch, SHA-1 or SHA-256.
export const NO_COMMIT = /^0+$/;
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
  // The commit a pushed tag names (`after` is an annotated tag's own object); null once the
  // tag is deleted.
  checkout_sha: commitId.nullable().optional(),
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

export type PushEvent = z.infer<typeof pushEvent>;
export type MergeRequestEvent = z.infer<typeof mergeRequestEvent>;

/** The events that start runs. */
export type GitLabEvent = PushEvent | MergeRequestEvent;

/** The GitLab events (X-Gitlab-Event) Gantry acts on; the others are answered and dropped. */
export const USED_EVENTS = ['Push Hook', 'Tag Push Hook', 'Merge Request Hook'];

/** A request GitLab should not repeat as it is: the answer says what is wrong. */
export class BadDelivery extends Error {}

const mergeRequestAction = z.object({
  object_attributes: z.object({
    iid: mergeRequestIid.optional().catch(undefined),
    action: z
      .string()
      .regex(/^[a-z_]+$/)
      .optional()
      .catch(undefined),
    oldrev: z.string().optional(),
  }),
});

/**
 * Why a merge request event starts nothing, judged before the rest of its payload is: GitLab
 * disables a webhook after a few 4xx answers in a row, so an event Gantry does not use is
 * never refused for the shape of fields it would not read. What is kept of it must fit the
 * record: an iid out of range is kept as unknown, an action that is not a plain word as none.
 */
export function ignoredMergeRequest(
  event: string,
  body: unknown,
): { outcome: string; iid: number | null } | undefined {
  if (event !== 'Merge Request Hook') return undefined;
  const attributes = mergeRequestAction.safeParse(body);
  if (!attributes.success) return undefined;
  const { iid, action, oldrev } = attributes.data.object_attributes;
  const newCommits = action === 'update' && Boolean(oldrev);
  if (action === 'open' || action === 'reopen' || newCommits) return undefined;
  return {
    outcome: `merge request !${iid ?? '?'} ${action ?? 'changed'} without new commits; nothing to run`,
    iid: iid ?? null,
  };
}

const namingProject = z.object({ project: z.object({ path_with_namespace: z.string() }) });

/** The path of the project a delivery names; undefined if it names none. */
export function projectOf(body: unknown): string | undefined {
  const named = namingProject.safeParse(body);
  return named.success ? named.data.project.path_with_namespace : undefined;
}

/** The delivery's payload as an event; BadDelivery, naming the field, if it is malformed. */
export function parseEvent(event: string, body: unknown): GitLabEvent {
  const parsed = (event === 'Merge Request Hook' ? mergeRequestEvent : pushEvent).safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadDelivery(
      `the ${event} payload is malformed: ${issue.path.join('.') || 'body'} ${issue.message}`,
    );
  }
  return parsed.data;
}

export function commitInfo(
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

export function describedBy(found: GitLabCommit): CommitInfo {
  return {
    hash: found.id,
    message: found.title,
    authorName: found.authorName,
    timestamp: new Date(found.authoredDate),
    url: found.webUrl,
  };
}
