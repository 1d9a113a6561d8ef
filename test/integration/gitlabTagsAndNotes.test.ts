import { eq } from 'drizzle-orm';
import { simpleGit } from 'simple-git';
import { schema } from '../support/tables';
import { RunState } from '../../src/runs/types';
import { startApiServer, type ApiServer } from '../support/api';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import {
  AccessLevel,
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

/**
 * What GitLab hears beyond a run's own transitions: `pending` while a run waits for its stack's
 * lock, tracked runs at protected tags a stack opts into, and the merge-request note's attribute changes
 * on every open merge request whose head the run's commit is.
 */
describe('GitLab tags, pending statuses and merge-request notes', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let gitlab: GitLabServer;
  let repo: TestRepo;
  let project: GitLabProjectRecord;
  let secret: string;
  let hookUrl: string;
  let first: string;
  const ada: Pusher = { id: 0, username: 'ada', name: 'Ada Lovelace' };

  const runsOf = (stackId: string) =>
    harness.database.db
      .select()
      .from(schema.runs)
      .where(eq(schema.runs.stackId, stackId))
      .orderBy(schema.runs.id);

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
  const noteOf = (iid: number, stackId: string) =>
    gitlab.mergeRequests
      .find((mergeRequest) => mergeRequest.iid === iid)
      ?.notes.filter((note) => note.body.startsWith(`<!-- gantry:stack=${stackId} -->`));

  async function decide(stackId: string, runId: string, decision: 'runConfirm' | 'runDiscard') {
    const answer = await api.graphql(
      `mutation ($stack: ID!, $run: ID!) { ${decision}(stack: $stack, run: $run) { state } }`,
      { stack: stackId, run: runId },
    );
    expect(answer.errors).toBeUndefined();
  }

  beforeAll(async () => {
    repo = await createTestRepo();
    first = await repo.commit({ 'infra/main.tf': CODE('one') }, 'Add the marker');
    gitlab = await startGitLabServer();
    ada.id = gitlab.addUser({ username: 'ada', name: 'Ada Lovelace', token: 'glpat-gantry' }).id;
    project = gitlab.addProject({
      pathWithNamespace: 'platform/infra',
      repositoryDir: repo.dir,
      members: [{ username: 'ada', accessLevel: AccessLevel.MAINTAINER }],
    });
    harness = await startRunHarness({ gitlabFeedback: true });
    api = await startApiServer(harness);
    hookUrl = `${api.url}/webhooks/gitlab`;
    const connected = await api.graphql<{ gitlabIntegrationSetup: { webhookSecret: string } }>(
      `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "glpat-gantry") { webhookSecret } }`,
      { host: gitlab.url },
    );
    expect(connected.errors).toBeUndefined();
    secret = connected.data!.gitlabIntegrationSetup.webhookSecret;
    for (const [name, trackTags] of [
      ['Releases', 'v*'],
      ['Plain', null],
    ] as const) {
      const created = await api.graphql<{ stackCreate: { trackTags: string | null } }>(
        `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { trackTags } }`,
        {
          input: {
            name,
            administrative: false,
            branch: 'main',
            repository: 'platform/infra',
            provider: 'GITLAB',
            projectRoot: 'infra',
            trackTags,
          },
        },
      );
      expect(created.errors).toBeUndefined();
      expect(created.data!.stackCreate.trackTags).toBe(trackTags);
    }
  });

  afterAll(async () => {
    await api?.close();
    await harness?.stop();
    await gitlab?.close();
    await repo?.remove();
  });

  it('refuses a trackTags that is no glob, saying what to give', async () => {
    const answer = await api.graphql(
      `mutation { stackUpdate(id: "plain", input: { name: "Plain", administrative: false, branch: "main", repository: "platform/infra", provider: GITLAB, projectRoot: "infra", trackTags: "v[1" }) { id } }`,
    );
    expect(answer.errors?.[0]?.message).toMatch(
      /^trackTags "v\[1" is not a glob: .*; give a glob of tag names such as "v\*"$/,
    );
  });

  it("keeps trackTags through an update that leaves it out, as Spacelift's clients do, and drops it on null", async () => {
    const update = (trackTags: string) =>
      api.graphql<{ stackUpdate: { trackTags: string | null } }>(
        `mutation { stackUpdate(id: "plain", input: { name: "Plain", administrative: false, branch: "main", repository: "platform/infra", provider: GITLAB, projectRoot: "infra"${trackTags} }) { trackTags } }`,
      );
    expect((await update(', trackTags: "release-*"')).data?.stackUpdate.trackTags).toBe(
      'release-*',
    );
    expect((await update('')).data?.stackUpdate.trackTags).toBe('release-*');
    expect((await update(', trackTags: null')).data?.stackUpdate.trackTags).toBeNull();
  });

  it("says pending while a run waits behind another's lock, and runs a protected tag's commit on the stacks that track it", async () => {
    // A tracked run of main's head takes each stack's lock and waits for a decision.
    const head = await repo.commit({ 'infra/main.tf': CODE('two') }, 'Change the marker');
    const push = await deliver(
      hookUrl,
      pushHook(gitlab.url, project, ada, { ref: 'refs/heads/main', after: head }),
      secret,
    );
    expect(push.status).toBe(200);
    const [holder] = await runsOf('releases');
    await harness.waitForState(holder!.id, RunState.UNCONFIRMED);

    // v1.0.0 names the first commit: a release of an older commit than the branch's head.
    await simpleGit(repo.dir).raw(['tag', 'v1.0.0', first]);
    const tagPush = pushHook(gitlab.url, project, ada, { ref: 'refs/tags/v1.0.0', after: first });

    // Unprotected, anyone who may push could have set it: nothing starts, and the answer says
    // what to protect.
    const unprotected = await deliver(hookUrl, tagPush, secret);
    expect(unprotected).toEqual({
      status: 200,
      body: {
        message:
          'tag "v1.0.0" is not protected in GitLab: anyone who may push could have set it, so it starts no tracked run. Protect tags matching "v*" in GitLab\'s Settings → Repository → Protected tags, then push the tag again',
        runs: [],
      },
    });
    // One read of the tag says where it is and whether a protected tag covers it.
    expect(gitlab.requests.at(-1)).toMatchObject({
      path: '/api/v4/projects/platform%2Finfra/repository/tags/v1.0.0',
      auth: 'private-token',
      status: 200,
    });
    expect(gitlab.requests.some((request) => request.path.endsWith('/protected_tags'))).toBe(false);
    // A protected tag of another name, or a wildcard that does not cover it, is no protection.
    gitlab.protectTag({ project: project.pathWithNamespace, name: 'v1.0' });
    gitlab.protectTag({ project: project.pathWithNamespace, name: 'release-*' });
    expect((await deliver(hookUrl, tagPush, secret)).body.runs).toEqual([]);
    expect(await runsOf('releases')).toHaveLength(1);

    // While GitLab cannot say whether the tag is protected, nothing starts: GitLab delivers again.
    gitlab.failNext(1, { status: 500 });
    const unknown = await deliver(hookUrl, tagPush, secret);
    expect(unknown.status).toBe(503);
    expect(unknown.body.message).toMatch(
      /^nothing was started: tag "v1\.0\.0" as GitLab has it is unknown \(reading tag "v1\.0\.0" of platform\/infra on GitLab: GitLab answered 500 .*\); redeliver the event from GitLab once that is fixed$/,
    );

    // A token GitLab does not let read the tags is no passing trouble: the delivery is answered,
    // saying what the token needs, not failed for GitLab to redeliver and in the end disable the
    // webhook over (which would stop branch and merge-request runs too).
    project.members.set(ada.id, AccessLevel.GUEST);
    expect(await deliver(hookUrl, tagPush, secret)).toEqual({
      status: 200,
      body: {
        message:
          'tag "v1.0.0" starts no tracked run: the integration\'s token cannot read the tags of GitLab project "platform/infra" (reading tag "v1.0.0" of platform/infra on GitLab: GitLab answered 403 (403 Forbidden); ask a GitLab owner for access). Reading them takes a token GitLab accepts whose user has the Reporter role or higher in the project; see to that, then push the tag again',
        runs: [],
      },
    });
    // A Developer's token, which cannot list the protected tags, reads a tag's protection.
    project.members.set(ada.id, AccessLevel.DEVELOPER);
    gitlab.protectTag({ project: project.pathWithNamespace, name: 'v*' });
    const tagged = await deliver(hookUrl, tagPush, secret);
    expect(tagged.status).toBe(200);
    expect(tagged.body.runs).toEqual([
      { id: expect.any(String) as string, stack: 'releases', type: 'TRACKED' },
    ]);
    // Delivered again, it is the same run.
    expect((await deliver(hookUrl, tagPush, secret)).body.runs).toEqual(tagged.body.runs);
    project.members.set(ada.id, AccessLevel.MAINTAINER);
    const runId = tagged.body.runs![0]!.id;
    const [run] = await harness.database.db
      .select()
      .from(schema.runs)
      .where(eq(schema.runs.id, runId));
    expect(run).toMatchObject({
      commitHash: first,
      branch: 'v1.0.0',
      isTag: true,
      type: 'TRACKED',
    });

    // It waits for the lock, QUEUED, and GitLab says so on the tag.
    const pending = await eventually(
      () => statusesOf(first, 'releases'),
      (statuses) => statuses.length > 0,
    );
    expect(pending).toEqual([
      expect.objectContaining({ ref: 'v1.0.0', status: 'pending', description: 'queued' }),
    ]);
    expect((await harness.service.run(runId)).state).toBe(RunState.QUEUED);

    // The stack keeps tracking its branch: a tag is a release, not where the branch is.
    const stack = await api.graphql<{ stack: { trackedCommit: { hash: string } } }>(
      `{ stack(id: "releases") { trackedCommit { hash } } }`,
    );
    expect(stack.data!.stack.trackedCommit.hash).toBe(head);

    // Once the lock is free the tag's run plans and applies, deploying the tag.
    await decide('releases', holder!.id, 'runDiscard');
    await harness.waitForState(runId, RunState.UNCONFIRMED);
    await decide('releases', runId, 'runConfirm');
    await harness.waitForState(runId, RunState.FINISHED);
    const statuses = await eventually(
      () => statusesOf(first, 'releases'),
      (found) => found.at(-1)?.status === 'success',
    );
    expect(statuses.at(-1)).toMatchObject({ ref: 'v1.0.0', status: 'success' });
    const deployment = await eventually(
      () => gitlab.deployments.find((found) => found.sha === first),
      (found) => found?.status === 'success',
    );
    expect(deployment).toMatchObject({ ref: 'v1.0.0', environment: { name: 'gantry/releases' } });

    // Plain tracks no tags; a tag the pattern does not match, a push naming another commit than
    // the tag's or a tag GitLab does not have, and a deleted tag start nothing.
    const [plainHolder] = await runsOf('plain');
    await decide('plain', plainHolder!.id, 'runDiscard');
    expect((await runsOf('plain')).map((found) => found.commitHash)).toEqual([head]);
    await simpleGit(repo.dir).raw(['tag', 'nightly', first]);
    const nothing = [
      pushHook(gitlab.url, project, ada, { ref: 'refs/tags/nightly', after: first }),
      pushHook(gitlab.url, project, ada, { ref: 'refs/tags/v1.0.0', after: head }),
      pushHook(gitlab.url, project, ada, { ref: 'refs/tags/v9.9.9', after: first }),
      pushHook(gitlab.url, project, ada, {
        ref: 'refs/tags/v1.0.0',
        before: first,
        after: '0'.repeat(40),
      }),
    ];
    const outcomes = [];
    for (const delivery of nothing) {
      const answer = await deliver(hookUrl, delivery, secret);
      expect([answer.status, answer.body.runs]).toEqual([200, []]);
      outcomes.push(answer.body.message);
    }
    expect(outcomes).toEqual([
      'no GitLab stack of project "platform/infra" tracks tag "nightly" (trackTags); nothing to run',
      `tag "v1.0.0" does not name ${head} (it names ${first}); tracked runs start only at the commit a tag names, so nothing was started`,
      `tag "v9.9.9" does not name ${first} (GitLab has no such tag); tracked runs start only at the commit a tag names, so nothing was started`,
      'tag "v1.0.0" was deleted; nothing to run',
    ]);
    expect(await runsOf('releases')).toHaveLength(2);
  });

  it('comments the attribute changes on every open merge request whose head is the run, also one opened later', async () => {
    // Releases applied "one"; the merge requests change it to "three" in place.
    const sha = await repo.commit({ 'infra/main.tf': CODE('three') }, 'Try a marker', 'feature');
    gitlab.addMergeRequest({
      project: project.pathWithNamespace,
      iid: 1,
      sourceBranch: 'feature',
      author: 'ada',
    });
    gitlab.addMergeRequest({
      project: project.pathWithNamespace,
      iid: 2,
      sourceBranch: 'feature',
      targetBranch: 'release',
      author: 'ada',
    });
    gitlab.addMergeRequest({
      project: project.pathWithNamespace,
      iid: 9,
      sourceBranch: 'feature',
      author: 'ada',
      state: 'closed',
    });
    const opened = await deliver(
      hookUrl,
      mergeRequestHook(gitlab.url, project, ada, {
        iid: 1,
        action: 'open',
        sourceBranch: 'feature',
        head: sha,
      }),
      secret,
    );
    const runId = opened.body.runs!.find((found) => found.stack === 'releases')!.id;
    await harness.waitForState(runId, RunState.FINISHED);

    const expected = [
      '**To change (1)**',
      '- `terraform_data.marker`',
      '  - `input`: `"one"` → `"three"`',
      '  - `output`: `"one"` → _(known after apply)_',
    ];
    for (const iid of [1, 2]) {
      const notes = await eventually(
        () => noteOf(iid, 'releases'),
        (found) =>
          found?.length === 1 &&
          found[0]!.body.includes(`[run ${runId}]`) &&
          found[0]!.body.includes('FINISHED'),
      );
      expect(notes).toHaveLength(1);
      for (const line of expected) expect(notes![0]!.body).toContain(line);
    }
    // A closed merge request of the same commit hears nothing.
    expect(noteOf(9, 'releases')).toEqual([]);

    // A merge request opened once the run has ended finds the run, and gets its note.
    gitlab.addMergeRequest({
      project: project.pathWithNamespace,
      iid: 3,
      sourceBranch: 'feature',
      targetBranch: 'staging',
      author: 'ada',
    });
    const later = await deliver(
      hookUrl,
      mergeRequestHook(gitlab.url, project, ada, {
        iid: 3,
        action: 'open',
        sourceBranch: 'feature',
        targetBranch: 'staging',
        head: sha,
      }),
      secret,
    );
    expect(later.body.runs).toEqual(opened.body.runs);
    const third = await eventually(
      () => noteOf(3, 'releases'),
      (found) => found?.length === 1,
    );
    for (const line of expected) expect(third![0]!.body).toContain(line);
    // Each merge request keeps one note per stack.
    for (const iid of [1, 2]) expect(noteOf(iid, 'releases')).toHaveLength(1);
  });

  it("runs an annotated tag at the commit it names, not at the tag's own object", async () => {
    const git = simpleGit(repo.dir);
    await git.checkout('main');
    const head = (await git.revparse(['main'])).trim();
    await git.raw(['tag', '-a', 'v2.0.0', '-m', 'Release 2.0.0', head]);
    const object = (await git.revparse(['refs/tags/v2.0.0'])).trim();
    expect(object).not.toBe(head);
    const answer = await deliver(
      hookUrl,
      pushHook(gitlab.url, project, ada, {
        ref: 'refs/tags/v2.0.0',
        after: object,
        checkoutSha: head,
      }),
      secret,
    );
    expect(answer.body.runs).toEqual([
      { id: expect.any(String) as string, stack: 'releases', type: 'TRACKED' },
    ]);
    const runId = answer.body.runs![0]!.id;
    expect(await harness.service.run(runId)).toMatchObject({
      commitHash: head,
      branch: 'v2.0.0',
      isTag: true,
    });
    await harness.waitForState(runId, RunState.UNCONFIRMED);
    await decide('releases', runId, 'runDiscard');
  });
});
