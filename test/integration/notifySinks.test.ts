import { ulid } from 'ulid';
import { schema } from '../support/tables';
import { RunState } from '../../src/runs/types';
import { startApiServer, type ApiServer } from '../support/api';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { AccessLevel, startGitLabServer, type GitLabServer } from '../support/gitlabServer';
import { startRunHarness, type RunHarness } from '../support/runs';
import { installSlackApp, SLACK_APP, slackSettings } from '../support/slackApp';
import {
  startSlackServer,
  type SlackMessageRecord,
  type SlackServer,
  type SlackWorkspaceRecord,
} from '../support/slackServer';

const TOKEN = 'glpat-gantry-bot';
const PROJECT = 'infra/network';

describe('feedback to each integration on its own', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let gitlab: GitLabServer;
  let slack: SlackServer;
  let repo: TestRepo;
  let team: SlackWorkspaceRecord;
  const channel = { id: 'C0NETWORK1', name: 'network' };

  async function eventually<T>(read: () => T, done: (value: T) => boolean, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    let value = read();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = read();
    }
    return value;
  }
  const messagesOf = (runId: string) =>
    slack.messages.filter(
      (message) => message.channel === channel.id && message.text.includes(runId),
    );
  const shows = (state: RunState) => (messages: SlackMessageRecord[]) =>
    messages.some((message) => message.text.includes(` is ${state}`));
  const statusesOf = (sha: string) =>
    gitlab.commitStatuses.filter(
      (status) => status.sha === sha && status.name === 'gantry/network',
    );

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit(
      { 'main.tf': 'resource "terraform_data" "marker" {\n  input = "one"\n}\n' },
      'Add the marker',
    );
    gitlab = await startGitLabServer();
    gitlab.addUser({
      username: 'gantry-bot',
      token: TOKEN,
      groups: [{ fullPath: 'infra', accessLevel: AccessLevel.DEVELOPER }],
    });
    gitlab.addProject({ pathWithNamespace: PROJECT, repositoryDir: repo.dir });
    slack = await startSlackServer();
    slack.addApp(SLACK_APP);
    team = slack.addWorkspace({ name: 'Acme' });
    const ada = slack.addUser({ teamId: team.id, name: 'ada' });
    slack.addChannel({ id: channel.id, teamId: team.id, name: channel.name });

    harness = await startRunHarness({
      gitlabFeedback: true,
      slackNotifications: { slackApiUrl: slack.apiUrl },
    });
    api = await startApiServer(harness, { slack: slackSettings(slack) });
    await installSlackApp(api, slack, { team, user: ada });
    for (const step of [
      `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "${TOKEN}") { webhookUrl } }`,
      `mutation ($project: String!) { stackCreate(input: { name: "Network", administrative: false, branch: "main", repository: $project, provider: GITLAB }, manageState: true) { id } }`,
    ]) {
      expect(
        (await api.graphql(step, { host: gitlab.url, project: PROJECT })).errors,
      ).toBeUndefined();
    }
    await harness.database.db.insert(schema.slackSubscriptions).values({
      id: ulid(),
      stackId: 'network',
      teamId: team.id,
      channelId: channel.id,
      channelName: channel.name,
      subscribedBy: ada.id,
    });
  });

  afterAll(async () => {
    await api?.close();
    await harness?.stop();
    await slack?.close();
    await gitlab?.close();
    await repo?.remove();
  });

  it('keeps the Slack message going to FINISHED while every GitLab call answers 500', async () => {
    const run = await harness.service.trackHead('network', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    // Both integrations have heard of the plan before GitLab goes down.
    const waiting = await eventually(() => messagesOf(run.id), shows(RunState.UNCONFIRMED), 30_000);
    expect(waiting.map((message) => message.text)).toEqual([
      `Network: tracked run ${run.id} is UNCONFIRMED (+1 ~0 -0)`,
    ]);
    const running = await eventually(
      () => statusesOf(run.commitHash),
      (found) => found.at(-1)?.status === 'running',
      30_000,
    );
    expect(running.at(-1)?.status).toBe('running');

    // The code is fetched; from here on GitLab answers 500 to everything.
    const before = gitlab.requests.length;
    gitlab.failNext(10_000, { status: 500 });
    await harness.service.decide('network', run.id, 'confirm', 'ada');
    await harness.waitForState(run.id, RunState.FINISHED, 60_000);

    // Slack hears of the end within seconds, not after GitLab's backoff.
    const messages = await eventually(() => messagesOf(run.id), shows(RunState.FINISHED), 20_000);
    expect(messages.map((message) => message.text)).toEqual([
      `Network: tracked run ${run.id} is FINISHED (+1 ~0 -0), confirmed by ada`,
    ]);
    const refused = gitlab.requests.slice(before).filter((request) => request.status === 500);
    expect(refused.length).toBeGreaterThan(0);
    expect(statusesOf(run.commitHash).at(-1)?.status).toBe('running');

    // GitLab's own attempts went on meanwhile, and catch up once it answers again.
    gitlab.recover();
    const statuses = await eventually(
      () => statusesOf(run.commitHash),
      (found) => found.at(-1)?.status === 'success',
      90_000,
    );
    expect(statuses.at(-1)?.status).toBe('success');
  }, 180_000);
});
