import { eq } from 'drizzle-orm';
import { schema } from '../support/tables';
import { RunState } from '../../src/runs/types';
import { sha256Hex } from '../../src/platform/secrets';
import { startApiServer, type ApiServer } from '../support/api';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import {
  startGitLabServer,
  type GitLabProjectRecord,
  type GitLabServer,
} from '../support/gitlabServer';
import { deliver, mergeRequestHook, pushHook, type Pusher } from '../support/gitlabWebhooks';
import { startRunHarness, type RunHarness } from '../support/runs';

const CODE = (marker: string) => `
resource "terraform_data" "marker" {
  input = "${marker}"
}
`;

describe('GitLab webhooks', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let gitlab: GitLabServer;
  let repo: TestRepo;
  let project: GitLabProjectRecord;
  let secret: string;
  let hookUrl: string;
  const ada: Pusher = { id: 0, username: 'ada', name: 'Ada Lovelace' };

  const runsOf = (stackId: string) =>
    harness.database.db.select().from(schema.runs).where(eq(schema.runs.stackId, stackId));
  const events = () => harness.database.db.select().from(schema.gitlabWebhookEvents);

  /** Waits for GitLab to have been told something: feedback follows the run, after it. */
  async function eventually<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let value = read();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      value = read();
    }
    return value;
  }
  const statusesOf = (sha: string, stackId: string) =>
    gitlab.commitStatuses.filter(
      (status) => status.sha === sha && status.name === `gantry/${stackId}`,
    );
  const deploymentOf = (sha: string, stackId: string) =>
    gitlab.deployments.find(
      (found) => found.sha === sha && found.environment.name === `gantry/${stackId}`,
    );

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit({ 'infra/main.tf': CODE('one') }, 'Add the marker');
    gitlab = await startGitLabServer();
    ada.id = gitlab.addUser({ username: 'ada', name: 'Ada Lovelace', token: 'glpat-gantry' }).id;
    project = gitlab.addProject({
      pathWithNamespace: 'platform/infra',
      repositoryDir: repo.dir,
      members: [{ username: 'ada', accessLevel: 40 }],
    });
    harness = await startRunHarness({ gitlabFeedback: true });
    api = await startApiServer(harness);
    hookUrl = `${api.url}/webhooks/gitlab`;
    const connected = await api.graphql<{
      gitlabIntegrationSetup: { webhookSecret: string; webhookUrl: string };
    }>(
      `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "glpat-gantry") { webhookUrl webhookSecret } }`,
      { host: gitlab.url },
    );
    expect(connected.errors).toBeUndefined();
    expect(connected.data!.gitlabIntegrationSetup.webhookUrl).toBe(hookUrl);
    secret = connected.data!.gitlabIntegrationSetup.webhookSecret;
    for (const [name, projectRoot] of [
      ['Infra', 'infra'],
      ['Infra Copy', 'infra'],
    ] as const) {
      const created = await api.graphql(
        `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
        {
          input: {
            name,
            administrative: false,
            branch: 'main',
            repository: 'platform/infra',
            provider: 'GITLAB',
            projectRoot,
          },
        },
      );
      expect(created.errors).toBeUndefined();
    }
  });

  afterAll(async () => {
    await api?.close();
    await harness?.stop();
    await gitlab?.close();
    await repo?.remove();
  });

  it('refuses a delivery with a wrong or missing token, and does nothing', async () => {
    const sha = await repo.commit({ 'infra/main.tf': CODE('two') }, 'Change the marker');
    const push = pushHook(gitlab.url, project, ada, { ref: 'refs/heads/main', after: sha });
    for (const token of ['wrong-secret', undefined, `${secret}x`]) {
      const answer = await deliver(hookUrl, push, token);
      expect(answer.status).toBe(401);
      expect(answer.body.message).toMatch(/X-Gitlab-Token does not match/);
    }
    expect(await runsOf('infra')).toEqual([]);
    expect(await events()).toEqual([]);
  });

  it('turns a push to the tracked branch into a tracked run of the pushed commit, read from GitLab, once however often it is delivered', async () => {
    const sha = await repo.commit({ 'infra/main.tf': CODE('three') }, 'Change the marker again');
    const push = pushHook(gitlab.url, project, ada, { ref: 'refs/heads/main', after: sha });
    const first = await deliver(hookUrl, push, secret);
    expect(first.status).toBe(200);
    expect(first.body.runs).toEqual([
      { id: expect.any(String) as string, stack: 'infra', type: 'TRACKED' },
      { id: expect.any(String) as string, stack: 'infra-copy', type: 'TRACKED' },
    ]);
    const again = await deliver(hookUrl, push, secret);
    expect(again.body.runs).toEqual(first.body.runs);
    const [run] = await runsOf('infra');
    expect(run).toMatchObject({ commitHash: sha, branch: 'main', triggeredBy: 'ada' });
    expect(await runsOf('infra')).toHaveLength(1);
    // The push is the branch's head: the stack tracks it, set by no one.
    const tracked = await api.graphql<{
      stack: { trackedCommit: { hash: string }; trackedCommitSetBy: string | null };
    }>(`{ stack(id: "infra") { trackedCommit { hash } trackedCommitSetBy } }`);
    expect(tracked.data!.stack).toEqual({ trackedCommit: { hash: sha }, trackedCommitSetBy: null });

    // The worker plans the code GitLab's archive holds at exactly that commit.
    await harness.waitForState(run!.id, RunState.UNCONFIRMED);
    const confirmed = await api.graphql<{ runConfirm: { state: string } }>(
      `mutation ($run: ID!) { runConfirm(stack: "infra", run: $run) { state } }`,
      { run: run!.id },
    );
    expect(confirmed.errors).toBeUndefined();
    await harness.waitForState(run!.id, RunState.FINISHED);

    // GitLab shows it: the commit status and the stack's deployment end in success.
    const statuses = await eventually(
      () => statusesOf(sha, 'infra'),
      (found) => found.at(-1)?.status === 'success',
    );
    expect(statuses.at(-1)).toMatchObject({
      status: 'success',
      ref: 'main',
      description: 'applied +1 ~0 -0',
      targetUrl: `${harness.apiUrl}/stack/infra/run/${run!.id}`,
    });
    const deployment = await eventually(
      () => deploymentOf(sha, 'infra'),
      (found) => found?.status === 'success',
    );
    expect(deployment).toMatchObject({ status: 'success', ref: 'main' });
    const history = await harness.database.db
      .select({ state: schema.runTransitions.state })
      .from(schema.runTransitions)
      .where(eq(schema.runTransitions.runId, run!.id));

    // Delivered once more after the run ended: no second run, and the run is not run again.
    await harness.temporal.client.workflow.getHandle(`run/infra/${run!.id}`).result();
    const late = await deliver(hookUrl, push, secret);
    expect(late.body.runs?.[0]?.id).toBe(run!.id);
    const executions = [];
    for await (const execution of harness.temporal.client.workflow.list({
      query: `WorkflowId = "run/infra/${run!.id}"`,
    })) {
      executions.push(execution.status.name);
    }
    expect(executions).toEqual(['COMPLETED']);
    const [after] = await runsOf('infra');
    expect(after!.state).toBe(RunState.FINISHED);
    expect(
      await harness.database.db
        .select({ state: schema.runTransitions.state })
        .from(schema.runTransitions)
        .where(eq(schema.runTransitions.runId, run!.id)),
    ).toEqual(history);

    const recorded = await events();
    expect(recorded.filter((event) => event.eventUuid === push.uuid)).toHaveLength(3);
    expect(recorded.at(-1)).toMatchObject({
      event: 'Push Hook',
      project: 'platform/infra',
      commitHash: sha,
    });
  });

  it('turns a push to another branch into a proposed run, and a merge request of it into the same run, linked', async () => {
    const sha = await repo.commit({ 'infra/main.tf': CODE('four') }, 'Try a marker', 'feature');
    const push = await deliver(
      hookUrl,
      pushHook(gitlab.url, project, ada, { ref: 'refs/heads/feature', after: sha }),
      secret,
    );
    expect(push.body.runs?.map((run) => run.type)).toEqual(['PROPOSED', 'PROPOSED']);
    gitlab.addMergeRequest({
      project: 'platform/infra',
      iid: 7,
      sourceBranch: 'feature',
      author: 'ada',
    });
    const opened = await deliver(
      hookUrl,
      mergeRequestHook(gitlab.url, project, ada, {
        iid: 7,
        action: 'open',
        sourceBranch: 'feature',
        head: sha,
      }),
      secret,
    );
    expect(opened.body.runs?.map((run) => run.id)).toEqual(push.body.runs?.map((run) => run.id));
    const proposed = (await runsOf('infra')).find((run) => run.commitHash === sha)!;
    expect(proposed).toMatchObject({ type: 'PROPOSED', branch: 'feature', mergeRequestIid: 7 });
    const linked = await api.graphql<{ stack: { run: { mergeRequest: unknown } } }>(
      `query ($run: ID!) { stack(id: "infra") { run(id: $run) { mergeRequest { iid url } } } }`,
      { run: proposed.id },
    );
    expect(linked.data!.stack.run.mergeRequest).toEqual({
      iid: 7,
      url: `${gitlab.url}/platform/infra/-/merge_requests/7`,
    });
    await harness.waitForState(proposed.id, RunState.FINISHED);
    const notesOn7 = () =>
      gitlab.mergeRequests
        .find((found) => found.iid === 7)!
        .notes.map((note) => ({ id: note.id, body: note.body }));
    const stackOf = (body: string) => /gantry:stack=([\w-]+)/.exec(body)?.[1];
    const firstNotes = await eventually(
      notesOn7,
      (notes) => notes.length === 2 && notes.every((note) => note.body.includes('FINISHED')),
    );
    // One comment per stack, naming what the plan would change.
    expect(firstNotes.map((note) => stackOf(note.body)).sort()).toEqual(['infra', 'infra-copy']);
    for (const note of firstNotes) expect(note.body).toContain('terraform_data.marker');

    // New commits on the merge request's branch: a new proposed run, linked too.
    const next = await repo.commit(
      { 'infra/main.tf': CODE('five') },
      'Try another marker',
      'feature',
    );
    const updated = await deliver(
      hookUrl,
      mergeRequestHook(gitlab.url, project, ada, {
        iid: 7,
        action: 'update',
        sourceBranch: 'feature',
        head: next,
        oldrev: sha,
      }),
      secret,
    );
    expect(updated.body.runs).toHaveLength(2);
    const second = (await runsOf('infra')).find((run) => run.commitHash === next)!;
    expect(second).toMatchObject({ type: 'PROPOSED', mergeRequestIid: 7 });
    await harness.waitForState(second.id, RunState.FINISHED);
    // The same two comments, edited in place for the newer runs.
    const edited = await eventually(notesOn7, (notes) =>
      notes.every((note) => note.body.includes(next.slice(0, 8)) && note.body.includes('FINISHED')),
    );
    expect(edited.map((note) => note.id)).toEqual(firstNotes.map((note) => note.id));
    for (const note of edited) {
      expect(note.body).toContain(next.slice(0, 8));
      expect(note.body).toContain('FINISHED');
    }
  });

  it('lets a newer push supersede older proposed runs, but never an older event the newer one', async () => {
    // No worker takes anything meanwhile, so every run is still QUEUED when the events arrive.
    await harness.stopWorkers();
    const older = await repo.commit({ 'infra/main.tf': CODE('seven') }, 'Older', 'topic');
    const newer = await repo.commit({ 'infra/main.tf': CODE('eight') }, 'Newer', 'topic');
    const olderPush = pushHook(gitlab.url, project, ada, { ref: 'refs/heads/topic', after: older });
    const first = await deliver(hookUrl, olderPush, secret);
    const second = await deliver(
      hookUrl,
      pushHook(gitlab.url, project, ada, { ref: 'refs/heads/topic', before: older, after: newer }),
      secret,
    );
    // GitLab redelivers the older push late.
    const late = await deliver(hookUrl, olderPush, secret);
    expect(late.body.runs).toEqual(first.body.runs);
    await harness.startWorkers();

    const olderRun = first.body.runs!.find((run) => run.stack === 'infra')!.id;
    const newerRun = second.body.runs!.find((run) => run.stack === 'infra')!.id;
    await harness.waitForState(olderRun, RunState.CANCELED);
    await harness.waitForState(newerRun, RunState.FINISHED);
  });

  it('asks GitLab about a pushed commit the payload does not list', async () => {
    const sha = await repo.commit({ 'infra/main.tf': CODE('nine') }, 'Unlisted commit', 'big');
    const answer = await deliver(
      hookUrl,
      pushHook(gitlab.url, project, ada, { ref: 'refs/heads/big', after: sha, listCommits: false }),
      secret,
    );
    const runId = answer.body.runs!.find((run) => run.stack === 'infra')!.id;
    const [run] = (await runsOf('infra')).filter((found) => found.id === runId);
    expect(run).toMatchObject({
      commitHash: sha,
      commitMessage: 'Unlisted commit',
      commitAuthorName: 'Ada Lovelace',
      commitUrl: `${gitlab.url}/platform/infra/-/commit/${sha}`,
    });
    await harness.waitForState(runId, RunState.FINISHED);
  });

  it('starts nothing for edits without commits, forks, closed merge requests, deleted branches and tags', async () => {
    const before = (await runsOf('infra')).length;
    const head = (await runsOf('infra')).at(-1)!.commitHash;
    const deliveries = [
      mergeRequestHook(gitlab.url, project, ada, {
        iid: 7,
        action: 'update',
        sourceBranch: 'feature',
        head,
        changes: { labels: { previous: [], current: [{ title: 'infra' }] } },
      }),
      mergeRequestHook(gitlab.url, project, ada, {
        iid: 8,
        action: 'open',
        sourceBranch: 'main',
        head,
        sourceProjectId: project.id + 1000,
      }),
      mergeRequestHook(gitlab.url, project, ada, {
        iid: 7,
        action: 'close',
        sourceBranch: 'feature',
        head,
      }),
      pushHook(gitlab.url, project, ada, {
        ref: 'refs/heads/feature',
        before: head,
        after: '0'.repeat(40),
      }),
      pushHook(gitlab.url, project, ada, { ref: 'refs/tags/v1.0.0', after: head }),
    ];
    const outcomes = [];
    for (const delivery of deliveries) {
      const answer = await deliver(hookUrl, delivery, secret);
      expect([answer.status, answer.body.runs]).toEqual([200, []]);
      outcomes.push(answer.body.message);
    }
    expect(outcomes).toEqual([
      'merge request !7 update without new commits; nothing to run',
      'merge request !8 comes from a fork; forks start no runs',
      'merge request !7 close without new commits; nothing to run',
      'branch "feature" was deleted; nothing to run',
      'no GitLab stack of project "platform/infra" tracks tag "v1.0.0" (trackTags); nothing to run',
    ]);
    expect((await runsOf('infra')).length).toBe(before);
    const tag = (await events()).find((event) => event.event === 'Tag Push Hook');
    expect(tag).toMatchObject({ ref: 'refs/tags/v1.0.0', commitHash: head, runIds: [] });

    const other = await deliver(
      hookUrl,
      { event: 'Issue Hook', uuid: 'issue-1', body: { object_kind: 'issue' } },
      secret,
    );
    expect(other).toEqual({
      status: 200,
      body: { message: '"Issue Hook" events are not used; nothing was done' },
    });
  });

  it('keeps the run going while GitLab answers 500, and reports once GitLab recovers', async () => {
    const sha = await repo.commit({ 'infra/main.tf': CODE('six') }, 'Change the marker once more');
    const answer = await deliver(
      hookUrl,
      pushHook(gitlab.url, project, ada, { ref: 'refs/heads/main', after: sha }),
      secret,
    );
    const runId = answer.body.runs!.find((run) => run.stack === 'infra')!.id;
    await harness.waitForState(runId, RunState.UNCONFIRMED);
    // The code is fetched; from here on GitLab is down until the run has finished.
    const before = gitlab.requests.length;
    gitlab.failNext(10_000, { status: 500 });
    const confirmed = await api.graphql(
      `mutation ($run: ID!) { runConfirm(stack: "infra", run: $run) { state } }`,
      { run: runId },
    );
    expect(confirmed.errors).toBeUndefined();
    await harness.waitForState(runId, RunState.FINISHED, 30_000);
    // Telling GitLab of the end is refused, and retried.
    const refused = await eventually(
      () => gitlab.requests.slice(before).filter((request) => request.status === 500),
      (found) => found.length >= 2,
    );
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(statusesOf(sha, 'infra').at(-1)?.status).not.toBe('success');
    gitlab.recover();

    const statuses = await eventually(
      () => statusesOf(sha, 'infra'),
      (found) => found.at(-1)?.status === 'success',
      90_000,
    );
    expect(statuses.at(-1)?.status).toBe('success');
    const deployment = await eventually(
      () => deploymentOf(sha, 'infra'),
      (found) => found?.status === 'success',
      90_000,
    );
    expect(deployment?.status).toBe('success');
  });

  it("starts no tracked run for a commit that is not the tracked branch's head: unmerged, or an older push delivered late", async () => {
    const before = (await runsOf('infra')).length;
    const unmerged = await repo.commit({ 'infra/main.tf': CODE('ten') }, 'Unmerged', 'unmerged');
    const forged = await deliver(
      hookUrl,
      pushHook(gitlab.url, project, ada, { ref: 'refs/heads/main', after: unmerged }),
      secret,
    );
    // Asked of GitLab as any API call: the integration's token, the project by its path.
    const asked = gitlab.requests.filter((request) => request.path.endsWith('/branches/main'));
    expect(asked.at(-1)).toMatchObject({
      method: 'GET',
      path: '/api/v4/projects/platform%2Finfra/repository/branches/main',
      auth: 'private-token',
      status: 200,
    });
    expect(forged.status).toBe(200);
    expect(forged.body.runs).toEqual([]);
    expect(forged.body.message).toMatch(
      new RegExp(`^${unmerged} is not the head of branch "main" \\(its head is [0-9a-f]{40}\\)`),
    );

    const older = await repo.commit({ 'infra/main.tf': CODE('eleven') }, 'Older', 'main');
    const newer = await repo.commit({ 'infra/main.tf': CODE('twelve') }, 'Newer', 'main');
    const late = await deliver(
      hookUrl,
      pushHook(gitlab.url, project, ada, { ref: 'refs/heads/main', after: older }),
      secret,
    );
    expect(late.body).toEqual({
      message: `${older} is not the head of branch "main" (its head is ${newer}); tracked runs start only for the head, so nothing was started`,
      runs: [],
    });
    expect((await events()).at(-1)).toMatchObject({ commitHash: older, runIds: [] });

    // While GitLab cannot say, nothing starts, and GitLab is told to deliver again.
    gitlab.failNext(1, { status: 500 });
    const unknown = await deliver(
      hookUrl,
      pushHook(gitlab.url, project, ada, { ref: 'refs/heads/main', after: newer }),
      secret,
    );
    expect(unknown.status).toBe(503);
    expect(unknown.body.message).toMatch(
      /^nothing was started: the head of branch "main" is unknown \(reading branch "main" of platform\/infra on GitLab: GitLab answered 500 .*\); redeliver the event from GitLab once that is fixed$/,
    );
    expect((await runsOf('infra')).length).toBe(before);
  });

  it('answers a malformed delivery 400 with the reason, and changes nothing', async () => {
    const recorded = (await events()).length;
    const bad = pushHook(gitlab.url, project, ada, { ref: 'refs/heads/main', after: 'not-a-sha' });
    const answer = await deliver(hookUrl, bad, secret);
    expect(answer).toEqual({
      status: 400,
      body: {
        message:
          'the Push Hook payload is malformed: after is not a commit hash (40 or 64 hex digits)',
      },
    });
    // Values GitLab never sends, which Gantry would store: refused with the field, not a 5xx.
    const head = (await runsOf('infra')).at(-1)!.commitHash;
    const opened = (lastCommit: Record<string, unknown>, iid = 9) => {
      const delivery = mergeRequestHook(gitlab.url, project, ada, {
        iid,
        action: 'open',
        sourceBranch: 'feature',
        head,
      });
      const body = delivery.body as { object_attributes: { last_commit: object } };
      Object.assign(body.object_attributes.last_commit, lastCommit);
      return delivery;
    };
    for (const [delivery, reason] of [
      [opened({}, 2 ** 31), 'object_attributes.iid is not a merge request iid'],
      [opened({ id: 'z'.repeat(40) }), 'object_attributes.last_commit.id is not a commit hash'],
      [opened({ timestamp: 'yesterday' }), 'object_attributes.last_commit.timestamp is not'],
      [opened({ title: 'Fix\0' }), 'object_attributes.last_commit.title contains a NUL byte'],
    ] as const) {
      const refused = await deliver(hookUrl, delivery, secret);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain(reason);
    }
    const notJson = await fetch(hookUrl, {
      method: 'POST',
      headers: {
        'x-gitlab-token': secret,
        'x-gitlab-event': 'Push Hook',
        'content-type': 'application/json',
      },
      body: '{"object_kind": "push"',
    });
    expect(notJson.status).toBe(400);
    const tooLarge = await fetch(hookUrl, {
      method: 'POST',
      headers: {
        'x-gitlab-token': secret,
        'x-gitlab-event': 'Push Hook',
        'content-type': 'application/json',
      },
      // Larger than the 25 MB GitLab may send.
      body: JSON.stringify({ padding: 'x'.repeat(26 * 1024 * 1024) }),
    });
    expect(tooLarge.status).toBe(413);
    expect((await events()).length).toBe(recorded);
  });

  it("gives a project's hook its own secret, shown once, which alone then speaks for the project", async () => {
    const rotate = (path: string, token?: string) =>
      api.graphql<{
        gitlabWebhookSecretRotate: { project: string; secret: string; createdAt: number };
      }>(
        `mutation ($path: String!) { gitlabWebhookSecretRotate(project: $path) { project secret createdAt } }`,
        { path },
        token,
      );
    const reader = await api.userToken(['platform']);
    expect((await rotate('platform/infra', reader)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await rotate('not a project')).errors?.[0]).toMatchObject({
      message: expect.stringContaining("must be a GitLab project's path") as unknown,
      extensions: { code: 'BAD_USER_INPUT' },
    });

    const first = (await rotate('Platform/Infra')).data!.gitlabWebhookSecretRotate;
    expect(first).toEqual({
      project: 'platform/infra',
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) as unknown,
      createdAt: expect.any(Number) as unknown,
    });
    const { secret: own } = (await rotate('platform/infra')).data!.gitlabWebhookSecretRotate;
    const listed = await api.graphql<{ gitlabIntegration: { projectHooks: unknown[] } }>(
      `{ gitlabIntegration { projectHooks { project secret createdAt } } }`,
    );
    expect(listed.data!.gitlabIntegration.projectHooks).toEqual([
      { project: 'platform/infra', secret: null, createdAt: expect.any(Number) as unknown },
    ]);
    // Only the hash is kept.
    expect(
      await harness.database.db
        .select({
          project: schema.gitlabProjectHooks.project,
          hash: schema.gitlabProjectHooks.secretHash,
        })
        .from(schema.gitlabProjectHooks),
    ).toEqual([{ project: 'platform/infra', hash: sha256Hex(own) }]);

    const deleted = pushHook(gitlab.url, project, ada, {
      ref: 'refs/heads/feature',
      after: '0'.repeat(40),
    });
    const recorded = (await events()).length;
    for (const token of [secret, first.secret]) {
      const refused = await deliver(hookUrl, deleted, token);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/X-Gitlab-Token does not match/);
    }
    expect((await events()).length).toBe(recorded);
    const accepted = await deliver(hookUrl, deleted, own);
    expect(accepted).toEqual({
      status: 200,
      body: { message: 'branch "feature" was deleted; nothing to run', runs: [] },
    });
    expect((await events()).length).toBe(recorded + 1);

    // The shared secret still speaks for projects without their own, and only it.
    const other = gitlab.addProject({
      pathWithNamespace: 'platform/other',
      repositoryDir: repo.dir,
    });
    const elsewhere = pushHook(gitlab.url, other, ada, {
      ref: 'refs/heads/feature',
      after: '0'.repeat(40),
    });
    expect((await deliver(hookUrl, elsewhere, secret)).status).toBe(200);
    expect((await deliver(hookUrl, elsewhere, own)).status).toBe(401);
  });
});
