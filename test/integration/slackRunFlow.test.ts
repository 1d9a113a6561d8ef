import { randomBytes } from 'node:crypto';
import { RunState } from '../../src/runs/types';
import { startApiServer, type ApiServer } from '../support/api';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';
import { installSlackApp, SLACK_APP, slackSettings } from '../support/slackApp';
import {
  startSlackServer,
  type SlackServer,
  type SlackUserRecord,
  type SlackWorkspaceRecord,
} from '../support/slackServer';
import { sendAsSlack } from '../support/slackSigning';

describe('a run confirmed from Slack, end to end', () => {
  let slack: SlackServer;
  let harness: RunHarness;
  let api: ApiServer;
  let repo: TestRepo;
  let team: SlackWorkspaceRecord;
  let ada: SlackUserRecord;
  const channel = { id: 'C0DEVNOTE1', name: 'dev-notifications' };

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit(
      { 'main.tf': 'resource "terraform_data" "marker" {\n  input = "one"\n}\n' },
      'Add the marker',
    );
    slack = await startSlackServer();
    slack.addApp(SLACK_APP);
    team = slack.addWorkspace({ name: 'Acme' });
    ada = slack.addUser({ teamId: team.id, name: 'ada', realName: 'Ada Lovelace' });
    slack.addChannel({ id: channel.id, teamId: team.id, name: channel.name });
    harness = await startRunHarness({ slackNotifications: { slackApiUrl: slack.apiUrl } });
    api = await startApiServer(harness, { slack: slackSettings(slack) });
    await installSlackApp(api, slack, { team, user: ada });
    for (const step of [
      `mutation ($repo: String!) { stackCreate(input: { name: "Payments", administrative: false, branch: "main", repository: $repo, provider: RAW_GIT }, manageState: true) { id } }`,
      `mutation { policyCreate(name: "Dev channel", type: ACCESS, body: "package spacelift\\n\\nwrite { input.slack.team.id == \\"${team.id}\\"; input.slack.channel.name == \\"dev-notifications\\" }") { id } }`,
      `mutation { policyAttach(id: "dev-channel", stack: "payments") { id } }`,
    ]) {
      expect((await api.graphql(step, { repo: repo.url })).errors).toBeUndefined();
    }
  });

  afterAll(async () => {
    await api?.close();
    await harness?.stop();
    await slack?.close();
    await repo?.remove();
  });

  /** The slash command as Slack sends it from the channel; the reply's text, at response_url. */
  async function command(text: string): Promise<string> {
    const responseUrl = slack.responseUrl();
    const response = await sendAsSlack(`${api.url}/slack/commands`, {
      signingSecret: SLACK_APP.signingSecret,
      body: new URLSearchParams({
        team_id: team.id,
        team_domain: team.domain,
        channel_id: channel.id,
        channel_name: channel.name,
        user_id: ada.id,
        user_name: ada.name,
        command: '/gantry',
        text,
        response_url: responseUrl,
        trigger_id: randomBytes(8).toString('hex'),
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    return ((await slack.response(responseUrl)).body as { text: string }).text;
  }

  // The run's messages: subscribe's own message to the channel, which says who subscribed it, aside.
  const messages = () =>
    slack.messages.filter(
      (message) => message.channel === channel.id && !message.text.includes(' subscribed this'),
    );
  // A message record holds its current text and blocks; `edits` keeps what it showed before.
  async function eventually<T>(read: () => T, done: (value: T) => boolean) {
    const deadline = Date.now() + 60_000;
    let value = read();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = read();
    }
    return value;
  }

  it('posts the run to the subscribed channel, takes the Confirm click, applies, and says who confirmed', async () => {
    expect(await command('subscribe payments')).toContain('now subscribed');
    expect(await command('trigger payments')).toContain('payments');

    // One message, which gains the buttons once the plan waits for a decision.
    const [waiting] = await eventually(messages, (found) =>
      found.some((message) => JSON.stringify(message.blocks).includes('gantry_confirm')),
    );
    expect(messages()).toHaveLength(1);
    const actions = waiting!.blocks.find((block) => block.block_id === 'gantry_decision') as {
      elements: Array<{ action_id: string; value: string }>;
    };
    const confirm = actions.elements.find((element) => element.action_id === 'gantry_confirm')!;
    const { runId } = JSON.parse(confirm.value) as { stackId: string; runId: string };
    await harness.waitForState(runId, RunState.UNCONFIRMED);

    // Ada presses Confirm, as Slack sends it.
    const pressed = await sendAsSlack(`${api.url}/slack/interactions`, {
      signingSecret: SLACK_APP.signingSecret,
      body: new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: ada.id, username: ada.name, name: ada.name, team_id: team.id },
          team: { id: team.id, domain: team.domain },
          channel,
          container: { type: 'message', message_ts: waiting!.ts, channel_id: channel.id },
          message: { ts: waiting!.ts, text: waiting!.text },
          response_url: slack.responseUrl(),
          trigger_id: randomBytes(8).toString('hex'),
          actions: [
            {
              type: 'button',
              block_id: 'gantry_decision',
              action_id: 'gantry_confirm',
              value: confirm.value,
              action_ts: `${Date.now() / 1000}`,
            },
          ],
        }),
      }),
    });
    expect(pressed.status).toBe(200);
    await harness.waitForState(runId, RunState.FINISHED);

    // The same message, edited: no buttons, and who confirmed.
    const [done] = await eventually(messages, (found) =>
      found.some((message) => message.text.includes('FINISHED')),
    );
    expect(messages()).toHaveLength(1);
    const blocks = JSON.stringify(done!.blocks);
    expect(blocks).not.toContain('gantry_confirm');
    expect(blocks).toContain('Confirmed by');
    expect(done!.text).toMatch(/confirmed by .*\(Slack\)/i);
  });
});
