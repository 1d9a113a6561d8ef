import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { simpleGit } from 'simple-git';
import type { RunSink } from '../../src/runs/events';
import { schema } from '../support/tables';
import type { GitLabApi } from '../../src/gitlab/api';
import { createGitLabFeedback, type GitLabFeedbackDependencies } from '../../src/gitlab/feedback';
import { GitLabIntegrationService } from '../../src/gitlab/integration';
import { createLogger } from '../../src/platform/logger';
import { RunState, RunType, type Delta } from '../../src/runs/types';
import { SecretBox } from '../../src/platform/secrets';
import { databaseTargets, openTestDatabase, type TestDatabase } from '../support/database';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { AccessLevel, startGitLabServer, type GitLabServer } from '../support/gitlabServer';

const PUBLIC_URL = 'https://gantry.example.com';
const TOKEN = 'glpat-gantry-bot';
const PROJECT = 'infra/network';

function delta(changes: { add?: string[]; change?: string[]; delete?: string[] }): Delta {
  const add = changes.add ?? [];
  const change = changes.change ?? [];
  const remove = changes.delete ?? [];
  return {
    addCount: add.length,
    addResources: add,
    changeCount: change.length,
    changeResources: change,
    deleteCount: remove.length,
    deleteResources: remove,
    resources: 3,
  };
}

describe.each(databaseTargets())('GitLab feedback on $kind', (target) => {
  let database: TestDatabase;
  let gitlab: GitLabServer;
  let repo: TestRepo;
  let notify: RunSink;
  let feedbackDependencies: GitLabFeedbackDependencies;
  const box = new SecretBox(randomBytes(32));
  let mainCommit: string;
  let runCount = 0;

  beforeAll(async () => {
    database = await openTestDatabase(target);
    gitlab = await startGitLabServer();
    repo = await createTestRepo();
    mainCommit = await repo.commit({ 'main.tf': 'resource "null_resource" "a" {}\n' }, 'Start');
    gitlab.addUser({
      username: 'gantry-bot',
      token: TOKEN,
      groups: [{ fullPath: 'infra', accessLevel: AccessLevel.DEVELOPER }],
    });
    gitlab.addUser({ username: 'grace' });
    gitlab.addProject({ pathWithNamespace: PROJECT, repositoryDir: repo.dir });
    await new GitLabIntegrationService({
      db: database.db,
      box,
      publicUrl: PUBLIC_URL,
      changes: database.changes,
    }).setup({
      apiHost: gitlab.url,
      token: TOKEN,
      oauthClientId: null,
      oauthClientSecret: null,
    });
    await database.db.insert(schema.stacks).values([
      { id: 'network', name: 'Network', provider: 'GITLAB', repository: PROJECT, branch: 'main' },
      {
        id: 'orphan',
        name: 'Orphan',
        provider: 'GITLAB',
        repository: 'infra/gone',
        branch: 'main',
      },
      { id: 'plain', name: 'Plain', provider: 'RAW_GIT', repository: repo.url, branch: 'main' },
    ]);
    // The feedback keeps its own view of the integration, as a worker process does.
    const integration = new GitLabIntegrationService({
      db: database.db,
      box,
      publicUrl: PUBLIC_URL,
      changes: database.changes,
    });
    feedbackDependencies = {
      db: database.db,
      gitlabApi: () => integration.api(),
      // These runs are rows alone: none has a stored plan to read changes from.
      changes: () => Promise.resolve([]),
      publicUrl: PUBLIC_URL,
      logger: createLogger('silent'),
    };
    notify = createGitLabFeedback(feedbackDependencies);
  });

  afterAll(async () => {
    await gitlab?.close();
    await repo?.remove();
    await database?.close();
  });

  /** A new run, as the engine records it: queued, on `commit`. */
  async function createRun(input: {
    type: RunType;
    commit: string;
    branch?: string;
    stackId?: string;
    mergeRequestIid?: number;
  }): Promise<string> {
    runCount += 1;
    const id = `01K${String(runCount).padStart(23, '0')}`;
    await database.db.insert(schema.runs).values({
      id,
      stackId: input.stackId ?? 'network',
      type: input.type,
      state: RunState.QUEUED,
      branch: input.branch ?? 'main',
      commitHash: input.commit,
      mergeRequestIid: input.mergeRequestIid ?? null,
    });
    return id;
  }

  /** Moves a run on as its workflow would, then delivers the transition's event. */
  async function transition(runId: string, state: RunState, runDelta?: Delta): Promise<void> {
    await database.db
      .update(schema.runs)
      .set({ state, ...(runDelta ? { delta: runDelta } : {}) })
      .where(eq(schema.runs.id, runId));
    const [run] = await database.db.select().from(schema.runs).where(eq(schema.runs.id, runId));
    await notify({ runId, stackId: run!.stackId, state, seq: 0 });
  }

  const statusesOf = (sha: string) =>
    gitlab.commitStatuses.filter(
      (status) => status.sha === sha && status.name === 'gantry/network',
    );
  const deploymentsOf = (sha: string) => gitlab.deployments.filter((found) => found.sha === sha);
  const writes = () => gitlab.requests.filter((request) => request.method !== 'GET').length;

  /** The commit statuses a person sees on a commit, through GitLab's API. */
  async function visibleStatuses(sha: string) {
    const response = await fetch(
      `${gitlab.url}/api/v4/projects/${encodeURIComponent(PROJECT)}/repository/commits/${sha}/statuses`,
      { headers: { 'PRIVATE-TOKEN': TOKEN } },
    );
    return (await response.json()) as Array<Record<string, unknown>>;
  }

  it('follows a tracked run with a commit status and a deployment, ending in success', async () => {
    const runId = await createRun({ type: RunType.TRACKED, commit: mainCommit });

    await transition(runId, RunState.QUEUED);
    expect(statusesOf(mainCommit).map((status) => status.status)).toEqual(['pending']);
    // GitLab's API creates deployments already running: none while the run waits its turn.
    expect(deploymentsOf(mainCommit)).toHaveLength(0);

    await transition(runId, RunState.INITIALIZING);
    expect(statusesOf(mainCommit).map((status) => status.status)).toEqual(['running']);
    expect(deploymentsOf(mainCommit).map((found) => found.status)).toEqual(['running']);

    await transition(runId, RunState.PLANNING);
    await transition(runId, RunState.UNCONFIRMED, delta({ add: ['null_resource.b'] }));
    await transition(runId, RunState.CONFIRMED);
    await transition(runId, RunState.APPLYING);
    expect(statusesOf(mainCommit).map((status) => status.status)).toEqual(['running']);
    await transition(runId, RunState.FINISHED);

    expect(await visibleStatuses(mainCommit)).toEqual([
      expect.objectContaining({
        name: 'gantry/network',
        ref: 'main',
        status: 'success',
        description: 'applied +1 ~0 -0',
        target_url: `${PUBLIC_URL}/stack/network/run/${runId}`,
      }),
    ]);
    // One status, moved along: never a second one started beside it.
    expect(statusesOf(mainCommit)).toHaveLength(1);
    expect(
      deploymentsOf(mainCommit).map((found) => [found.ref, found.status, found.environment.name]),
    ).toEqual([['main', 'success', 'gantry/network']]);
    expect(gitlab.environments.map((environment) => environment.name)).toEqual(['gantry/network']);
  });

  it('ends a discarded run canceled, and a failed one failed, never running', async () => {
    const discarded = await createRun({ type: RunType.TRACKED, commit: mainCommit });
    await transition(discarded, RunState.QUEUED);
    await transition(discarded, RunState.PLANNING);
    await transition(discarded, RunState.UNCONFIRMED, delta({ delete: ['null_resource.a'] }));
    await transition(discarded, RunState.DISCARDED);

    const failed = await createRun({ type: RunType.TRACKED, commit: mainCommit });
    await transition(failed, RunState.QUEUED);
    await transition(failed, RunState.INITIALIZING);
    await transition(failed, RunState.FAILED);

    const byRun = (runId: string) =>
      statusesOf(mainCommit).filter((status) => status.targetUrl?.endsWith(runId));
    expect(byRun(discarded).map((status) => [status.status, status.description])).toEqual([
      ['canceled', 'discarded +0 ~0 -1'],
    ]);
    expect(byRun(failed).map((status) => status.status)).toEqual(['failed']);
    expect(deploymentsOf(mainCommit).map((found) => found.status)).toEqual([
      'success',
      'canceled',
      'failed',
    ]);
  });

  it('keeps one note per stack on a merge request, edited in place across pushes', async () => {
    const first = await repo.commit(
      { 'bucket.tf': 'resource "null_resource" "logs" {}\n' },
      'Add logs',
      'feature',
    );
    const mergeRequest = gitlab.addMergeRequest({
      project: PROJECT,
      sourceBranch: 'feature',
      author: 'grace',
    });
    const firstRun = await createRun({
      type: RunType.PROPOSED,
      commit: first,
      branch: 'feature',
      mergeRequestIid: mergeRequest.iid,
    });
    await transition(firstRun, RunState.QUEUED);
    await transition(firstRun, RunState.PLANNING);
    await transition(firstRun, RunState.FINISHED, delta({ add: ['null_resource.logs'] }));

    expect(mergeRequest.notes).toHaveLength(1);
    const note = mergeRequest.notes[0]!;
    expect(note.author.username).toBe('gantry-bot');
    expect(note.body).toContain(`[run ${firstRun}](${PUBLIC_URL}/stack/network/run/${firstRun})`);
    expect(note.body).toContain('State: **FINISHED** · plan `+1 ~0 -0`');
    expect(note.body).toContain('**To add (1)**\n\n- `null_resource.logs`');
    expect(statusesOf(first).map((status) => [status.status, status.description])).toEqual([
      ['success', 'planned +1 ~0 -0'],
    ]);
    // Proposed runs deploy nothing.
    expect(deploymentsOf(first)).toHaveLength(0);

    const second = await repo.commit({ 'bucket.tf': '# changed\n' }, 'Change logs', 'feature');
    const secondRun = await createRun({
      type: RunType.PROPOSED,
      commit: second,
      branch: 'feature',
      mergeRequestIid: mergeRequest.iid,
    });
    await transition(secondRun, RunState.QUEUED);
    expect(mergeRequest.notes).toHaveLength(1);
    expect(mergeRequest.notes[0]!.body).toContain(`run ${secondRun}`);
    expect(mergeRequest.notes[0]!.body).toContain('State: **QUEUED**');

    await transition(secondRun, RunState.PLANNING);
    await transition(
      secondRun,
      RunState.FINISHED,
      delta({ change: ['null_resource.web'], delete: ['null_resource.logs'] }),
    );
    expect(mergeRequest.notes).toEqual([expect.objectContaining({ id: note.id })]);
    const body = mergeRequest.notes[0]!.body;
    expect(body).toContain('State: **FINISHED** · plan `+0 ~1 -1`');
    expect(body).toContain('**To change (1)**\n\n- `null_resource.web`');
    expect(body).toContain('**To delete (1)**\n\n- `null_resource.logs`');
    expect(body).not.toContain('To add');
    expect(statusesOf(second).map((status) => status.status)).toEqual(['success']);

    // A late delivery of the first run's events leaves the note on the newest run.
    await notify({ runId: firstRun, stackId: 'network', state: RunState.FINISHED, seq: 3 });
    expect(mergeRequest.notes[0]!.body).toBe(body);
  });

  it('changes nothing on a repeated or out-of-order delivery', async () => {
    const runId = await createRun({ type: RunType.TRACKED, commit: mainCommit });
    await transition(runId, RunState.QUEUED);
    await transition(runId, RunState.INITIALIZING);
    await transition(runId, RunState.FINISHED);
    const before = writes();

    // The events of earlier transitions arrive now, and the last one again.
    await notify({ runId, stackId: 'network', state: RunState.QUEUED, seq: 1 });
    await notify({ runId, stackId: 'network', state: RunState.INITIALIZING, seq: 2 });
    await notify({ runId, stackId: 'network', state: RunState.FINISHED, seq: 3 });

    expect(writes()).toBe(before);
    const ofRun = statusesOf(mainCommit).filter((status) => status.targetUrl?.endsWith(runId));
    expect(ofRun.map((status) => status.status)).toEqual(['success']);
  });

  it('makes one note and one deployment however many deliveries run at once', async () => {
    const tracked = await createRun({ type: RunType.TRACKED, commit: mainCommit });
    const head = await repo.commit({ 'race.tf': '# race\n' }, 'Race', 'race');
    const mergeRequest = gitlab.addMergeRequest({
      project: PROJECT,
      sourceBranch: 'race',
      author: 'grace',
    });
    const proposed = await createRun({
      type: RunType.PROPOSED,
      commit: head,
      branch: 'race',
      mergeRequestIid: mergeRequest.iid,
    });
    await database.db
      .update(schema.runs)
      .set({ state: RunState.PLANNING })
      .where(eq(schema.runs.id, tracked));
    await database.db
      .update(schema.runs)
      .set({ state: RunState.PLANNING })
      .where(eq(schema.runs.id, proposed));
    const before = gitlab.deployments.length;

    await Promise.all(
      [RunState.QUEUED, RunState.INITIALIZING, RunState.PLANNING].flatMap((state, seq) => [
        notify({ runId: tracked, stackId: 'network', state, seq }),
        notify({ runId: proposed, stackId: 'network', state, seq }),
      ]),
    );

    expect(gitlab.deployments.length - before).toBe(1);
    expect(mergeRequest.notes).toHaveLength(1);
    expect(statusesOf(head).map((status) => status.status)).toEqual(['running']);
  });

  it("leaves a merge request's note alone when its head moved on after the commit's merge requests were listed", async () => {
    // Two branches at one commit, each with a merge request; the run is linked to the first.
    const head = await repo.commit({ 'twins.tf': '# one\n' }, 'Twins', 'twin-a');
    await simpleGit(repo.dir).branch(['twin-b', 'twin-a']);
    const linked = gitlab.addMergeRequest({
      project: PROJECT,
      sourceBranch: 'twin-a',
      author: 'grace',
    });
    const moved = gitlab.addMergeRequest({
      project: PROJECT,
      sourceBranch: 'twin-b',
      author: 'grace',
    });
    const runId = await createRun({
      type: RunType.PROPOSED,
      commit: head,
      branch: 'twin-a',
      mergeRequestIid: linked.iid,
    });
    await database.db
      .update(schema.runs)
      .set({ state: RunState.PLANNING })
      .where(eq(schema.runs.id, runId));

    // This delivery lists both merge requests at the commit; twin-b gets a new commit right
    // after, before the delivery takes the note's claim.
    let movedOn = false;
    const racing = createGitLabFeedback({
      ...feedbackDependencies,
      gitlabApi: async () => {
        const api = await feedbackDependencies.gitlabApi();
        if (!api) return undefined;
        return Object.assign(Object.create(api) as GitLabApi, {
          commitMergeRequests: async (project: string, sha: string) => {
            const listed = await api.commitMergeRequests(project, sha);
            if (!movedOn) {
              movedOn = true;
              await repo.commit({ 'twins.tf': '# two\n' }, 'Move on', 'twin-b');
            }
            return listed;
          },
        });
      },
    });
    const before = gitlab.requests.length;
    await racing({ runId, stackId: 'network', state: RunState.PLANNING, seq: 1 });

    expect(movedOn).toBe(true);
    expect(linked.notes).toHaveLength(1);
    expect(linked.notes[0]!.body).toContain(`run ${runId}`);
    // The run's commit is no longer twin-b's head: its merge request hears nothing of it.
    expect(moved.notes).toEqual([]);
    // One read of the merge request it is not linked to, none of the one it is.
    const reads = (iid: number) =>
      gitlab.requests
        .slice(before)
        .filter((request) => request.path.endsWith(`/merge_requests/${iid}`));
    expect(reads(moved.iid).map((request) => request.status)).toEqual([200]);
    expect(reads(linked.iid)).toEqual([]);
  });

  it('throws while GitLab answers 500, so the delivery is retried, and catches up after', async () => {
    const runId = await createRun({ type: RunType.TRACKED, commit: mainCommit });
    await database.db
      .update(schema.runs)
      .set({ state: RunState.FINISHED })
      .where(eq(schema.runs.id, runId));
    const event = { runId, stackId: 'network', state: RunState.FINISHED, seq: 4 };

    gitlab.failNext(1, { status: 500 });
    await expect(notify(event)).rejects.toThrow(/GitLab answered 500/);

    await notify(event);
    const ofRun = statusesOf(mainCommit).filter((status) => status.targetUrl?.endsWith(runId));
    expect(ofRun.map((status) => status.status)).toEqual(['success']);
    expect(gitlab.deployments.filter((found) => found.status === 'success')).toContainEqual(
      expect.objectContaining({ sha: mainCommit }),
    );
  });

  it('gives up, without throwing, on a project GitLab does not have', async () => {
    const runId = await createRun({ type: RunType.TRACKED, commit: mainCommit, stackId: 'orphan' });
    const before = gitlab.requests.length;

    await expect(
      notify({ runId, stackId: 'orphan', state: RunState.QUEUED, seq: 1 }),
    ).resolves.toBeUndefined();

    expect(gitlab.requests.slice(before).map((request) => request.status)).toEqual([404]);
  });

  it('tells GitLab nothing about RAW_GIT stacks, nor when GitLab is not set up', async () => {
    const plain = await createRun({ type: RunType.TRACKED, commit: mainCommit, stackId: 'plain' });
    const before = gitlab.requests.length;
    await notify({ runId: plain, stackId: 'plain', state: RunState.QUEUED, seq: 1 });
    expect(gitlab.requests.length).toBe(before);

    const runId = await createRun({ type: RunType.TRACKED, commit: mainCommit });
    await new GitLabIntegrationService({
      db: database.db,
      box,
      publicUrl: PUBLIC_URL,
      changes: database.changes,
    }).remove();
    await notify({ runId, stackId: 'network', state: RunState.QUEUED, seq: 1 });
    expect(gitlab.requests.length).toBe(before);
  });
});
