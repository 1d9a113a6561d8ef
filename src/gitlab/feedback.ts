import type { Database } from '../db';
import type { Logger } from '../platform/logger';
import type { RunSink } from '../runs/events';
import type { ResourceChange } from '../runs/plan';
import { runUrl } from '../runs/links';
import { RunType } from '../runs/types';
import { readRunView, type RunView } from '../runs/view';
import { GitLabError, type GitLabApi } from './api';
import {
  commitDescription,
  commitState,
  commitStatusName,
  deploymentStatus,
  environmentName,
  noteBody,
  noteMarker,
  progress,
} from './runReport';
import {
  mergeRequestNote,
  recordCommitStatus,
  recordDeployment,
  recordMergeRequestNote,
  runFeedback,
  withMergeRequestNoteClaimed,
  withRunFeedbackClaimed,
  type GitLabRunFeedbackRow,
} from './store';
import { newestProposedRun } from '../runs/store';

export interface GitLabFeedbackDependencies {
  db: Database;
  /** A client of the connected GitLab; undefined while GitLab is not set up. */
  gitlabApi: () => Promise<GitLabApi | undefined>;
  /** The resources a run's plan changes, with their attributes (RunService.changes). */
  changes: (runId: string) => Promise<ResourceChange[]>;
  /** GANTRY_PUBLIC_URL: where GitLab's links to runs point. */
  publicUrl: string;
  logger: Logger;
}

/**
 * Tells GitLab how a run of a GitLab stack is going: a commit status on its commit, a note on
 * each open merge request whose head it is, besides the one it is linked to (proposed runs),
 * and a deployment to the stack's environment (tracked runs).
 *
 * Every transition of a run starts its own delivery, so deliveries of one run may overlap and
 * arrive late or twice. None of them posts the state it was sent about: each posts the run's
 * state as the database has it now, compared with what GitLab was last told (kept in
 * gitlab_run_feedback and gitlab_merge_request_notes), so a late or repeated delivery posts
 * nothing. Deliveries that would create something claim its row first (see withClaim), so
 * two of them never create two notes or two deployments.
 *
 * A GitLab that is down or busy makes the delivery throw, and Temporal tries it again with
 * backoff; an answer no retry can mend (the project or merge request is gone, the token may
 * not write) is logged and that part of the feedback given up.
 */
export function createGitLabFeedback(deps: GitLabFeedbackDependencies): RunSink {
  const feedback = new GitLabFeedback(deps, deps.gitlabApi);
  return (event) => feedback.deliver(event.runId);
}

class GitLabFeedback {
  constructor(
    private readonly deps: GitLabFeedbackDependencies,
    private readonly api: () => Promise<GitLabApi | undefined>,
  ) {}

  async deliver(runId: string): Promise<void> {
    const { db } = this.deps;
    const run = await readRunView(db, runId);
    // A task is a command, not a check of its commit: its status would stand in for the
    // tracked run's on the same commit and branch.
    if (!run || run.stack.provider !== 'GITLAB' || run.type === RunType.TASK) return;
    const api = await this.api();
    if (!api) return;
    const project = run.stack.repository;

    await withRunFeedbackClaimed(db, runId, async () => {
      // Read again under the claim: the run may have moved on while this delivery waited.
      const current = await readRunView(db, runId);
      const posted = await runFeedback(db, runId);
      if (!current || !posted) return;
      await this.giveUpUnmendable(run, 'commit status', () =>
        this.postCommitStatus(api, project, current, posted.commitStatus),
      );
      if (run.type === RunType.TRACKED) {
        await this.giveUpUnmendable(run, 'deployment', () =>
          this.postDeployment(api, project, current, posted),
        );
      }
    });

    if (run.type !== RunType.PROPOSED) return;
    for (const mergeRequestIid of await this.mergeRequestsOf(api, run)) {
      await this.giveUpUnmendable(run, 'merge request note', () =>
        this.postNote(api, project, run, mergeRequestIid),
      );
    }
  }

  /**
   * The merge requests a proposed run reports to: the one it is linked to, and every open one
   * whose head is its commit (two merge requests of one branch, say, into different targets).
   */
  private async mergeRequestsOf(api: GitLabApi, run: RunView): Promise<number[]> {
    const iids = new Set<number>();
    if (run.mergeRequestIid !== null) iids.add(run.mergeRequestIid);
    await this.giveUpUnmendable(run, 'merge requests of the commit', async () => {
      for (const found of await api.commitMergeRequests(run.stack.repository, run.commit.hash)) {
        if (found.state === 'opened' && found.sha === run.commit.hash) iids.add(found.iid);
      }
    });
    return [...iids].sort((a, b) => a - b);
  }

  private async postCommitStatus(
    api: GitLabApi,
    project: string,
    run: RunView,
    posted: string | null,
  ): Promise<void> {
    const state = commitState(run.state);
    if (posted && progress(state) <= progress(posted as typeof state)) return;
    try {
      await api.setCommitStatus(project, run.commit.hash, {
        state,
        ref: run.branch,
        name: commitStatusName(run.stack.id),
        targetUrl: runUrl(this.deps.publicUrl, run.stack.id, run.id),
        description: commitDescription(run),
      });
    } catch (error) {
      // GitLab has this state already: an earlier attempt reached it but was not recorded.
      if (!refusedTransition(error)) throw error;
    }
    await recordCommitStatus(this.deps.db, run.id, state);
  }

  private async postDeployment(
    api: GitLabApi,
    project: string,
    run: RunView,
    posted: GitLabRunFeedbackRow,
  ): Promise<void> {
    const status = deploymentStatus(run.state);
    if (!status) return;
    let deploymentId = posted.deploymentId;
    if (deploymentId !== null) {
      const before = posted.deploymentStatus as typeof status | null;
      if (before && progress(status) <= progress(before)) return;
      try {
        await api.setDeploymentStatus(project, deploymentId, status);
      } catch (error) {
        if (error instanceof GitLabError && error.status === 404) {
          // Someone deleted the deployment in GitLab: the run gets a new one.
          deploymentId = null;
        } else if (!refusedTransition(error)) {
          throw error;
        }
      }
    }
    if (deploymentId === null) {
      deploymentId = await api.createDeployment(project, {
        environment: environmentName(run.stack.id),
        sha: run.commit.hash,
        ref: run.branch,
        tag: run.isTag,
        status,
      });
    }
    await recordDeployment(this.deps.db, run.id, deploymentId, status);
  }

  /**
   * Creates or edits the stack's one note on the merge request, showing the newest of the runs
   * that reported to it: this one, the one the note shows, and the newest linked to it. A run
   * not linked to the merge request is shown only if its commit is the merge request's head
   * when the note is written; otherwise the note is left as it is.
   */
  private async postNote(
    api: GitLabApi,
    project: string,
    run: RunView,
    mergeRequestIid: number,
  ): Promise<void> {
    const { db } = this.deps;
    const stackId = run.stack.id;
    const note = { stackId, project, mergeRequestIid };
    await withMergeRequestNoteClaimed(db, note, async () => {
      const posted = await mergeRequestNote(db, note);
      if (!posted) return;
      // The newest run wins, whichever run's delivery this is. Run ids are ULIDs: in order.
      const linked = await newestProposedRun(db, stackId, mergeRequestIid);
      const newest = [run.id, posted.runId, linked]
        .filter((id): id is string => typeof id === 'string')
        .reduce((a, b) => (b > a ? b : a));
      const current = await readRunView(db, newest);
      if (!current) return;
      const changes = current.delta ? await this.deps.changes(current.id) : [];
      const body = noteBody(current, runUrl(this.deps.publicUrl, stackId, current.id), changes);
      if (posted.noteId !== null && posted.body === body && posted.runId === current.id) return;
      // The merge requests of a commit were listed before the claim, and a merge request's
      // head may have moved since: a run it is not linked to is shown only while its commit
      // is still the head.
      if (current.mergeRequestIid !== mergeRequestIid) {
        const now = await api.mergeRequest(project, mergeRequestIid);
        if (now.sha !== current.commit.hash) return;
      }
      let noteId = posted.noteId;
      if (noteId !== null) {
        try {
          await api.editMergeRequestNote(project, mergeRequestIid, noteId, body);
        } catch (error) {
          // Someone deleted the note: the stack writes a new one.
          if (!(error instanceof GitLabError && error.status === 404)) throw error;
          noteId = null;
        }
      }
      if (noteId === null) {
        noteId = await this.adoptNote(api, project, stackId, mergeRequestIid);
        if (noteId === null) {
          noteId = await api.createMergeRequestNote(project, mergeRequestIid, body);
        } else {
          await api.editMergeRequestNote(project, mergeRequestIid, noteId, body);
        }
      }
      await recordMergeRequestNote(db, note, { noteId, body, runId: current.id });
    });
  }

  /**
   * The stack's note already on the merge request, if an earlier delivery created it but could
   * not record it: one GitLab call, only before a note's first creation.
   */
  private async adoptNote(
    api: GitLabApi,
    project: string,
    stackId: string,
    mergeRequestIid: number,
  ): Promise<number | null> {
    const marker = noteMarker(stackId);
    const [notes, me] = await Promise.all([
      api.mergeRequestNotes(project, mergeRequestIid),
      api.currentUser(),
    ]);
    // Only a note of the token's own user: anyone may paste the marker into a comment.
    return (
      notes.find((note) => note.authorUsername === me.username && note.body.startsWith(marker))
        ?.id ?? null
    );
  }

  /** Runs one part of the feedback; an answer no retry can mend is logged, not thrown. */
  private async giveUpUnmendable(
    run: RunView,
    part: string,
    post: () => Promise<void>,
  ): Promise<void> {
    try {
      await post();
    } catch (error) {
      if (!(error instanceof GitLabError) || retryable(error)) throw error;
      this.deps.logger.warn(
        { err: error, runId: run.id, stackId: run.stack.id, part, status: error.status },
        'gitlab feedback given up: gitlab refused it',
      );
    }
  }
}

/**
 * Whether GitLab may answer differently later: it was unreachable, failing (5xx), rate
 * limiting (429), or busy with the same commit status (409).
 */
function retryable(error: GitLabError): boolean {
  if (error.kind === 'unreachable' || error.status === undefined) return true;
  return (
    error.status >= 500 || error.status === 429 || error.status === 409 || error.status === 408
  );
}

/** GitLab refused a state the status or deployment has already reached. */
function refusedTransition(error: unknown): boolean {
  return (
    error instanceof GitLabError && error.status === 400 && /cannot transition/i.test(error.message)
  );
}
