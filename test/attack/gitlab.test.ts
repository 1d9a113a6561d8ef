import { eq } from 'drizzle-orm';
import { schema } from '../support/tables';
import { startApiServer, type ApiServer } from '../support/api';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import {
  startGitLabServer,
  type GitLabProjectRecord,
  type GitLabServer,
} from '../support/gitlabServer';
import {
  deliver,
  mergeRequestHook,
  pushHook,
  type Pusher,
  type WebhookDelivery,
} from '../support/gitlabWebhooks';
import { startRunHarness, type RunHarness } from '../support/runs';

/**
 * What someone holding a GitLab webhook secret can make Gantry do by forging deliveries: run
 * code that was never merged as if it were, speak for projects the secret is not theirs for,
 * and make Gantry answer 5xx or store a run it cannot run with values GitLab never sends.
 */
/** The delivery with one field of its payload, named by a dotted path, set to `value`. */
function withField(delivery: WebhookDelivery, path: string, value: unknown): WebhookDelivery {
  const body = structuredClone(delivery.body) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop()!;
  let at = body;
  for (const key of keys) at = at[key] as Record<string, unknown>;
  at[last] = value;
  return { ...delivery, body };
}

describe('a forger of GitLab webhook deliveries', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let gitlab: GitLabServer;
  let repo: TestRepo;
  let infra: GitLabProjectRecord;
  let other: GitLabProjectRecord;
  let shared: string;
  let hookUrl: string;
  const mallory: Pusher = { id: 0, username: 'mallory', name: 'Mallory' };

  const runs = () =>
    harness.database.db.select().from(schema.runs).where(eq(schema.runs.stackId, 'infra'));
  const events = () => harness.database.db.select().from(schema.gitlabWebhookEvents);

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': 'terraform {}\n' }, 'Start');
    gitlab = await startGitLabServer();
    gitlab.addUser({ username: 'gantry', token: 'glpat-gantry' });
    infra = gitlab.addProject({
      pathWithNamespace: 'platform/infra',
      repositoryDir: repo.dir,
      members: [{ username: 'gantry', accessLevel: 40 }],
    });
    other = gitlab.addProject({
      pathWithNamespace: 'platform/other',
      repositoryDir: repo.dir,
      members: [{ username: 'gantry', accessLevel: 40 }],
    });
    harness = await startRunHarness();
    // Runs are only queued: what is tested is which runs a delivery makes.
    await harness.stopWorkers();
    api = await startApiServer(harness);
    hookUrl = `${api.url}/webhooks/gitlab`;
    const connected = await api.graphql<{ gitlabIntegrationSetup: { webhookSecret: string } }>(
      `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "glpat-gantry") { webhookSecret } }`,
      { host: gitlab.url },
    );
    shared = connected.data!.gitlabIntegrationSetup.webhookSecret;
    const created = await api.graphql(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      {
        input: {
          name: 'Infra',
          administrative: false,
          branch: 'main',
          repository: 'platform/infra',
          provider: 'GITLAB',
        },
      },
    );
    expect(created.errors).toBeUndefined();
  });

  afterAll(async () => {
    await api?.close();
    await harness?.stop();
    await gitlab?.close();
    await repo?.remove();
  });

  it('M2a: a push naming an unmerged commit as the head of the tracked branch starts no tracked run', async () => {
    const main = await repo.commit({ 'main.tf': 'terraform {}\n# reviewed\n' }, 'Reviewed', 'main');
    const unmerged = await repo.commit(
      { 'main.tf': 'resource "terraform_data" "x" { input = "unreviewed" }\n' },
      'Unreviewed',
      'sneaky',
    );
    const forged = await deliver(
      hookUrl,
      pushHook(gitlab.url, infra, mallory, { ref: 'refs/heads/main', after: unmerged }),
      shared,
    );
    expect(forged).toEqual({
      status: 200,
      body: {
        message: `${unmerged} is not the head of branch "main" (its head is ${main}); tracked runs start only for the head, so nothing was started`,
        runs: [],
      },
    });
    expect(await runs()).toEqual([]);

    // The real head still starts its tracked run.
    const genuine = await deliver(
      hookUrl,
      pushHook(gitlab.url, infra, mallory, { ref: 'refs/heads/main', after: main }),
      shared,
    );
    expect(genuine.body.runs).toEqual([
      { id: expect.any(String) as string, stack: 'infra', type: 'TRACKED' },
    ]);
    expect((await runs()).map((run) => run.commitHash)).toEqual([main]);
  });

  it('L1: values GitLab never sends are answered 400 naming the field, or 200 when the event is ignored; never 5xx, and no run', async () => {
    const head = (await runs())[0]!.commitHash;
    const before = (await runs()).length;
    const push = pushHook(gitlab.url, infra, mallory, { ref: 'refs/heads/topic', after: head });
    const opened = (action: 'open' | 'close' = 'open') =>
      mergeRequestHook(gitlab.url, infra, mallory, { iid: 3, action, sourceBranch: 'topic', head });
    const refused: Array<[WebhookDelivery, string, unknown]> = [
      [push, 'commits.0.timestamp', 'not a date'],
      [push, 'commits.0.timestamp', '2024-02-30T10:00:00Z'],
      [push, 'commits.0.timestamp', '0000-06-01T00:00:00Z'],
      [push, 'commits.0.timestamp', '0001-01-01T00:00:00+01:00'],
      [push, 'after', head.toUpperCase()],
      [push, 'after', `${head}0`],
      [push, 'ref', 'refs/heads/to\0pic'],
      [push, 'ref', 'refs/heads/to\npic'],
      // Longer than Temporal takes as a search attribute: the run would be stored, not started.
      [push, 'ref', `refs/heads/${'b'.repeat(2100)}`],
      [push, 'ref', `refs/heads/${'é'.repeat(600)}`],
      [push, 'user_username', 'm'.repeat(3_000_000)],
      [push, 'user_username', 'mal\0lory'],
      [push, 'commits.0.title', 'Fix\0'],
      [push, 'project.path_with_namespace', 'platform/infra\0'],
      [opened(), 'object_attributes.iid', 2 ** 31],
      [opened(), 'object_attributes.iid', 2 ** 53 + 2],
      [opened(), 'object_attributes.iid', 1.5],
      [opened(), 'object_attributes.last_commit.id', 'HEAD~1'],
      [opened(), 'object_attributes.last_commit.id', 'g'.repeat(40)],
      [opened(), 'object_attributes.last_commit.timestamp', 'soon'],
      [opened(), 'object_attributes.source_branch', 'to\0pic'],
      [opened(), 'object_attributes.source_branch', 'b'.repeat(2100)],
      [opened(), 'user.username', 'm'.repeat(300)],
    ];
    for (const [delivery, field, value] of refused) {
      const answer = await deliver(hookUrl, withField(delivery, field, value), shared);
      expect([field, answer.status, answer.body.message]).toEqual([
        field,
        400,
        expect.stringContaining(`malformed: ${field} `),
      ]);
    }

    // Ignored events are answered 200 whatever their unused fields hold, and recorded storably.
    const recorded = (await events()).length;
    const closed = await deliver(
      hookUrl,
      withField(opened('close'), 'object_attributes.iid', 2 ** 31),
      shared,
    );
    const odd = await deliver(
      hookUrl,
      withField(opened(), 'object_attributes.action', 'clo\0se'),
      shared,
    );
    expect([closed, odd]).toEqual([
      {
        status: 200,
        body: { message: 'merge request !? close without new commits; nothing to run', runs: [] },
      },
      {
        status: 200,
        body: { message: 'merge request !3 changed without new commits; nothing to run', runs: [] },
      },
    ]);
    expect((await events()).slice(recorded)).toMatchObject([
      { project: 'platform/infra', mergeRequestIid: null },
      { project: 'platform/infra', mergeRequestIid: 3 },
    ]);
    expect((await runs()).length).toBe(before);
  });

  it("M2b: a project with its own webhook secret refuses the shared secret, its old secret and other projects' secrets", async () => {
    const rotate = async (project: string) => {
      const rotated = await api.graphql<{ gitlabWebhookSecretRotate: { secret: string } }>(
        `mutation ($project: String!) { gitlabWebhookSecretRotate(project: $project) { secret } }`,
        { project },
      );
      expect(rotated.errors).toBeUndefined();
      return rotated.data!.gitlabWebhookSecretRotate.secret;
    };
    const reader = await api.userToken(['platform']);
    const stolen = await api.graphql(
      `mutation { gitlabWebhookSecretRotate(project: "platform/infra") { secret } }`,
      {},
      reader,
    );
    expect(stolen.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const otherSecret = await rotate('platform/other');
    const oldSecret = await rotate('platform/infra');
    const infraSecret = await rotate('platform/infra');
    const head = (await runs())[0]!.commitHash;
    const proposal = pushHook(gitlab.url, infra, mallory, { ref: 'refs/heads/topic', after: head });
    const recorded = (await events()).length;
    for (const token of [shared, oldSecret, otherSecret]) {
      const answer = await deliver(hookUrl, proposal, token);
      expect(answer.status).toBe(401);
    }
    // Nor does a project's secret speak for another project, or for none.
    const forOther = pushHook(gitlab.url, other, mallory, { ref: 'refs/heads/topic', after: head });
    expect((await deliver(hookUrl, forOther, infraSecret)).status).toBe(401);
    const noProject = withField(proposal, 'project', undefined);
    expect((await deliver(hookUrl, noProject, infraSecret)).status).toBe(401);
    expect((await events()).length).toBe(recorded);
    expect((await runs()).map((run) => run.type)).toEqual(['TRACKED']);

    const own = await deliver(hookUrl, proposal, infraSecret);
    expect(own.body.runs).toEqual([
      { id: expect.any(String) as string, stack: 'infra', type: 'PROPOSED' },
    ]);
    expect((await deliver(hookUrl, forOther, otherSecret)).status).toBe(200);
  });
});
