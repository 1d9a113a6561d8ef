import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { schema } from '../support/tables';
import { createLogger } from '../../src/platform/logger';
import { RunState, RunType } from '../../src/runs/types';
import { SecretBox } from '../../src/platform/secrets';
import { SlackInstallations } from '../../src/slack';
import { createSlackNotifier } from '../../src/slack/notifier';
import { startApiServer, type ApiServer } from '../support/api';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { installSlackApp, SLACK_APP, slackSettings } from '../support/slackApp';
import {
  startSlackServer,
  type SlackChannelRecord,
  type SlackServer,
  type SlackUserRecord,
  type SlackWorkspaceRecord,
} from '../support/slackServer';
import { sendAsSlack } from '../support/slackSigning';

const DEV = { id: 'C0DEVNOTE1', name: 'dev-notifications' };

/**
 * Someone outside the organization, or a message from outside Gantry, going for what the Slack
 * app can do: install it into their own workspace, gain write from a channel name, replay a
 * command Slack signed, ping a whole channel through a commit title, and keep Gantry posting
 * into a channel that shut the bot out.
 */
describe('attacks on the Slack integration', () => {
  let database: TestDatabase;
  let box: SecretBox;
  let slack: SlackServer;
  let api: ApiServer;
  let acme: SlackWorkspaceRecord;
  let evil: SlackWorkspaceRecord;
  let ada: SlackUserRecord;
  let mallory: SlackUserRecord;
  let devChannel: SlackChannelRecord;
  let installations: SlackInstallations;

  /** A slash command as Slack sends it; the reply Gantry posted to its response_url. */
  async function command(
    text: string,
    options: { user?: SlackUserRecord; team?: SlackWorkspaceRecord; timestamp?: number } = {},
  ) {
    const user = options.user ?? ada;
    const team = options.team ?? acme;
    const responseUrl = slack.responseUrl();
    const response = await sendAsSlack(`${api.url}/slack/commands`, {
      signingSecret: SLACK_APP.signingSecret,
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
      body: new URLSearchParams({
        team_id: team.id,
        team_domain: team.domain,
        channel_id: DEV.id,
        channel_name: DEV.name,
        user_id: user.id,
        user_name: user.name,
        command: '/gantry',
        text,
        response_url: responseUrl,
        trigger_id: randomBytes(8).toString('hex'),
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    return (await slack.response(responseUrl)).body as { text: string };
  }

  const subscriptions = () => database.db.select().from(schema.slackSubscriptions);
  const notifier = () =>
    createSlackNotifier({
      db: database.db,
      installations,
      publicUrl: api.url,
      logger: createLogger('silent'),
      slackApiUrl: slack.apiUrl,
    });

  /** A tracked run of a stack, told to the notifier as Temporal would. */
  async function notifyRun(
    stackId: string,
    fields: { commitMessage?: string; commitUrl?: string } = {},
  ) {
    const runId = ulid();
    await database.db.insert(schema.runs).values({
      id: runId,
      stackId,
      type: RunType.TRACKED,
      state: RunState.FINISHED,
      branch: 'main',
      commitHash: 'c'.repeat(40),
      ...fields,
    });
    await notifier()({ runId, stackId, state: RunState.FINISHED, seq: 0 });
    return runId;
  }

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    box = new SecretBox(randomBytes(32));
    installations = new SlackInstallations({ db: database.db, box, changes: database.changes });
    slack = await startSlackServer();
    slack.addApp(SLACK_APP);
    acme = slack.addWorkspace({ name: 'Acme' });
    evil = slack.addWorkspace({ name: 'Evil Corp' });
    ada = slack.addUser({ teamId: acme.id, name: 'ada' });
    mallory = slack.addUser({ teamId: evil.id, name: 'mallory', isAdmin: true });
    devChannel = slack.addChannel({ id: DEV.id, teamId: acme.id, name: DEV.name });
    slack.addChannel({ id: DEV.id.replace('1', '2'), teamId: evil.id, name: DEV.name });
    api = await startApiServer({ database, box }, { slack: slackSettings(slack) });
    await installSlackApp(api, slack, { team: acme, user: ada });

    const example = await fs.readFile(
      path.join(__dirname, '../../policies/slack-channel-write.rego'),
      'utf8',
    );
    for (const [step, variables] of [
      [
        `mutation { stackCreate(input: { name: "Payments", administrative: false, branch: "main", repository: "file:///srv/git/payments.git", provider: RAW_GIT }, manageState: true) { id } }`,
        {},
      ],
      [
        'mutation ($body: String!) { policyCreate(name: "Dev channel", type: ACCESS, body: $body) { id } }',
        // The example, with the workspace ID its comment asks for.
        { body: example.replaceAll('T0123ABCD', acme.id) },
      ],
      ['mutation { policyAttach(id: "dev-channel", stack: "payments") { id } }', {}],
    ] as const) {
      expect((await api.graphql(step, variables)).errors).toBeUndefined();
    }
  });

  afterAll(async () => {
    await api?.close();
    await slack?.close();
    await database?.close();
  });

  beforeEach(async () => {
    await database.db.delete(schema.slackSubscriptions);
  });

  it('H2: a stranger cannot install the app into their workspace, so their workspace can do nothing', async () => {
    // Straight to the install page, as a stranger who found Gantry's address.
    const start = await fetch(`${api.url}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(403);
    expect(start.headers.get('location')).toBeNull();
    expect(start.headers.getSetCookie()).toEqual([]);
    expect(await start.text()).toContain('ask a Gantry admin for an install link');

    // A signed-in user who is no admin gets no install link either.
    const member = await api.userToken(['platform']);
    const asked = await api.graphql('{ slackIntegration { installUrl } }', {}, member);
    expect(asked.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Approving on Slack's own page and coming back without a state Gantry issued installs nothing.
    const code = slack.authorize({
      clientId: SLACK_APP.clientId,
      teamId: evil.id,
      userId: mallory.id,
      scopes: ['commands', 'chat:write', 'users:read'],
      redirectUri: `${api.url}/slack/oauth/callback`,
    });
    const callback = await fetch(`${api.url}/slack/oauth/callback?code=${code}&state=made-up`, {
      headers: { cookie: 'slack-app-oauth-state=made-up' },
    });
    expect(callback.status).toBe(400);
    expect(
      (await database.db.select().from(schema.slackInstallations)).map((row) => row.teamId),
    ).toEqual([acme.id]);
    expect((await command('subscribe payments', { user: mallory, team: evil })).text).toMatch(
      /^Gantry is not installed in this Slack workspace/,
    );
    expect(await subscriptions()).toEqual([]);
  });

  it('the example policy gives write to its channel in its workspace, not to a same-named channel elsewhere', async () => {
    // Evil Corp's workspace has the app (an admin installed it there), and a #dev-notifications.
    await installSlackApp(api, slack, { team: evil, user: mallory });
    try {
      const refusal = (needed: 'read' | 'write') =>
        `Stack "payments" does not exist, or you may not ${needed === 'read' ? 'see' : 'change'} it from here.`;
      expect((await command('trigger payments', { user: mallory, team: evil })).text).toContain(
        refusal('write'),
      );
      expect((await command('subscribe payments', { user: mallory, team: evil })).text).toContain(
        refusal('read'),
      );
      expect(await subscriptions()).toEqual([]);
      expect((await command('subscribe payments')).text).toContain('now subscribed');
    } finally {
      await api.graphql(
        'mutation ($teamId: ID!) { slackIntegrationDelete(teamId: $teamId) { teamId } }',
        {
          teamId: evil.id,
        },
      );
    }
  });

  it('L3: a signed command sent again within its five minutes is not run again', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await command('subscribe payments')).text).toContain('now subscribed');
    const responseUrl = slack.responseUrl();
    const unsubscribe = new URLSearchParams({
      team_id: acme.id,
      channel_id: DEV.id,
      channel_name: DEV.name,
      user_id: ada.id,
      command: '/gantry',
      text: 'unsubscribe payments',
      response_url: responseUrl,
      trigger_id: randomBytes(8).toString('hex'),
    });
    const send = () =>
      sendAsSlack(`${api.url}/slack/commands`, {
        signingSecret: SLACK_APP.signingSecret,
        body: unsubscribe,
        timestamp,
      });
    const first = await send();
    expect(first.status).toBe(200);
    expect(((await slack.response(responseUrl)).body as { text: string }).text).toContain(
      'is unsubscribed',
    );
    expect((await command('subscribe payments')).text).toContain('now subscribed');

    // Captured on the way and sent again: acknowledged, and nothing is done or told.
    const replayed = await send();
    expect(replayed.status).toBe(200);
    expect(await replayed.text()).toBe('');
    await api.slackIdle();
    expect(await subscriptions()).toHaveLength(1);
    expect(slack.responsesAt(responseUrl)).toHaveLength(1);
  });

  it('L4: text from outside Gantry cannot ping a channel or plant links in Slack messages', async () => {
    const title = '<!channel> ship it & <https://evil.example/login|open the run>';
    const escaped =
      '&lt;!channel&gt; ship it &amp; &lt;https://evil.example/login|open the run&gt;';
    await notifyRun('payments', { commitMessage: `${title}\n\nbody` });
    const status = (await command('status payments')).text;
    expect(status).toContain(`(${escaped})`);
    expect(status).not.toContain('<!channel>');
    expect(status).not.toContain('<https://evil');

    // Run messages: a stack named and a commit described by someone else.
    await database.db.insert(schema.stacks).values({
      id: 'loud',
      name: '<!here> Loud',
      provider: 'RAW_GIT',
      repository: 'file:///srv/git/loud.git',
      branch: 'main',
    });
    await database.db.insert(schema.slackSubscriptions).values({
      id: ulid(),
      stackId: 'loud',
      teamId: acme.id,
      channelId: DEV.id,
      channelName: DEV.name,
      subscribedBy: ada.id,
    });
    const runId = await notifyRun('loud', {
      commitMessage: title,
      commitUrl: 'https://git.example/commit/1|x> <!everyone',
    });
    const [message] = slack.messages.filter((found) => found.text.includes(runId));
    expect(message).toBeDefined();
    const posted = `${message!.text}\n${JSON.stringify(message!.blocks)}`;
    for (const ping of ['<!here>', '<!channel>', '<!everyone', '<https://evil']) {
      expect(posted).not.toContain(ping);
    }
    expect(message!.text).toMatch(/^&lt;!here&gt; Loud: tracked run/);
    expect(posted).toContain(escaped);
    const post = slack.requests.find(
      (request) =>
        request.method === 'chat.postMessage' && String(request.args.text).includes(runId),
    );
    expect(post?.args.link_names).toBeUndefined();
  });

  it('L5: a channel that shut the bot out is not tried again until someone subscribes it again', async () => {
    expect((await command('subscribe payments')).text).toContain('now subscribed');
    const tries = () =>
      slack.requests.filter(
        (request) => request.method === 'chat.postMessage' && request.args.channel === DEV.id,
      );
    devChannel.isArchived = true;
    try {
      await notifyRun('payments');
      expect(tries().map((request) => request.error)).toContain('is_archived');
      const before = tries().length;
      await notifyRun('payments');
      await notifyRun('payments');
      expect(tries()).toHaveLength(before);
      expect((await command('status payments')).text).toContain('stopped reaching this channel');
    } finally {
      devChannel.isArchived = false;
    }

    expect((await command('subscribe payments')).text).toContain('again');
    const runId = await notifyRun('payments');
    expect(slack.messages.filter((message) => message.text.includes(runId))).toEqual([
      expect.objectContaining({ channel: DEV.id }),
    ]);
    const [row] = await database.db
      .select()
      .from(schema.slackSubscriptions)
      .where(eq(schema.slackSubscriptions.channelId, DEV.id));
    expect(row).toMatchObject({ refusedAt: null, refusedReason: null });
  });
});
