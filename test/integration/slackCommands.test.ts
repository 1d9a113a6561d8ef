import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { schema } from '../support/tables';
import { RunState } from '../../src/runs/types';
import { startApiServer, type ApiServer } from '../support/api';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';
import { installSlackApp, SLACK_APP, slackSettings } from '../support/slackApp';
import { sendAsSlack } from '../support/slackSigning';
import {
  startSlackServer,
  type SlackServer,
  type SlackUserRecord,
  type SlackWorkspaceRecord,
} from '../support/slackServer';

const CODE = `
resource "terraform_data" "marker" {
  input = "one"
}
`;

const DEV = { id: 'C0DEVNOTE1', name: 'dev-notifications' };
const RANDOM = { id: 'C0RANDOM01', name: 'random' };
const OPS = { id: 'C0OPS00001', name: 'ops' };

/** Polls `condition` until it holds; fails saying what it waited for after 10 s. */
async function eventually(what: string, condition: () => boolean) {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited 10 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Reply {
  text: string;
  response_type?: string;
  replace_original?: boolean;
}

describe('the /gantry command and the buttons of run messages', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let slack: SlackServer;
  let repo: TestRepo;
  let acme: SlackWorkspaceRecord;
  let globex: SlackWorkspaceRecord;
  let lonely: SlackWorkspaceRecord;
  let ada: SlackUserRecord;
  let hank: SlackUserRecord;
  let runId: string;

  /** The reply Slack got at response_url, once it is there. */
  async function responseAt(responseUrl: string): Promise<Reply> {
    return (await slack.response(responseUrl)).body as unknown as Reply;
  }

  /** A slash command as Slack sends it, answered with the ack alone. */
  async function sendCommand(
    text: string,
    options: {
      user?: SlackUserRecord;
      team?: SlackWorkspaceRecord;
      channel?: { id: string; name: string };
    } = {},
  ) {
    const user = options.user ?? ada;
    const team = options.team ?? acme;
    const channel = options.channel ?? DEV;
    const responseUrl = slack.responseUrl();
    const response = await sendAsSlack(`${api.url}/slack/commands`, {
      signingSecret: SLACK_APP.signingSecret,
      body: new URLSearchParams({
        token: 'deprecated-verification-token',
        team_id: team.id,
        team_domain: team.domain,
        channel_id: channel.id,
        channel_name: channel.name,
        user_id: user.id,
        user_name: user.name,
        command: '/gantry',
        text,
        api_app_id: 'A0001',
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      }),
    });
    // The ack: an empty 200, which Slack shows nothing for.
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    return responseUrl;
  }

  /** A slash command as Slack sends it; the reply, which follows the ack at response_url. */
  async function command(
    text: string,
    options: {
      user?: SlackUserRecord;
      team?: SlackWorkspaceRecord;
      channel?: { id: string; name: string };
    } = {},
  ) {
    const responseUrl = await sendCommand(text, options);
    const reply = await responseAt(responseUrl);
    expect(reply.response_type).toBe('ephemeral');
    return { reply, responseUrl };
  }

  /** A press of a run message's button, as Slack sends it. */
  async function click(
    actionId: 'gantry_confirm' | 'gantry_discard',
    options: { user?: SlackUserRecord; channel?: { id: string; name: string } } = {},
  ) {
    const user = options.user ?? ada;
    const channel = options.channel ?? DEV;
    const responseUrl = slack.responseUrl();
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: user.teamId },
      api_app_id: 'A0001',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: channel.id },
      trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      team: { id: user.teamId, domain: 'acme' },
      enterprise: null,
      is_enterprise_install: false,
      channel,
      message: { type: 'message', ts: '1700000000.000100', text: 'a run' },
      response_url: responseUrl,
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: 'gantry_decision',
          value: JSON.stringify({ stackId: 'payments', runId }),
          action_ts: String(Date.now() / 1000),
        },
      ],
    };
    const response = await sendAsSlack(`${api.url}/slack/interactions`, {
      signingSecret: SLACK_APP.signingSecret,
      body: new URLSearchParams({ payload: JSON.stringify(payload) }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    return { responseUrl };
  }

  async function policy(name: string, body: string, stack: string) {
    const created = await api.graphql<{ policyCreate: { id: string } }>(
      `mutation ($name: String!, $body: String!) {
        policyCreate(name: $name, body: $body, type: ACCESS) { id }
      }`,
      { name, body },
    );
    expect(created.errors).toBeUndefined();
    const attached = await api.graphql(
      `mutation ($id: ID!, $stack: ID!) { policyAttach(id: $id, stack: $stack) { id } }`,
      { id: created.data!.policyCreate.id, stack },
    );
    expect(attached.errors).toBeUndefined();
  }

  const refusal = (stackId: string, needed: 'read' | 'write') =>
    `Stack "${stackId}" does not exist, or you may not ${needed === 'read' ? 'see' : 'change'} it from here. Check the stack ID; if it is right, ask a Gantry admin to attach a stack access policy that gives ${needed} access to this channel or to you.`;

  const subscriptions = () => harness.database.db.select().from(schema.slackSubscriptions);
  const runState = async (id: string) =>
    (
      await harness.database.db
        .select({ state: schema.runs.state })
        .from(schema.runs)
        .where(eq(schema.runs.id, id))
    )[0]?.state;

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': CODE }, 'Add the marker');
    [harness, slack] = await Promise.all([startRunHarness(), startSlackServer()]);
    slack.addApp(SLACK_APP);
    acme = slack.addWorkspace({ name: 'Acme' });
    globex = slack.addWorkspace({
      name: 'Globex',
      enterprise: { id: 'E0GLOBEX1', name: 'Globex Corporation' },
    });
    lonely = slack.addWorkspace({ name: 'Lonely' });
    ada = slack.addUser({
      teamId: acme.id,
      name: 'ada',
      realName: 'Ada Lovelace',
      profile: { displayName: 'Ada', tz: 'Europe/London' },
    });
    hank = slack.addUser({
      teamId: globex.id,
      name: 'hank',
      realName: 'Hank Scorpio',
      isAdmin: true,
      profile: {
        displayName: 'hank',
        tz: 'America/Chicago',
        has2fa: true,
        enterpriseUser: { id: 'W0HANK0001', isAdmin: false, isOwner: true, teams: [globex.id] },
      },
    });
    // The channels commands come from, so that subscribe's message to the channel lands.
    slack.addChannel({ ...DEV, teamId: acme.id });
    slack.addChannel({ ...RANDOM, teamId: acme.id });
    slack.addChannel({ ...OPS, teamId: globex.id });
    api = await startApiServer(harness, { slack: slackSettings(slack) });
    await installSlackApp(api, slack, { team: acme, user: ada });
    await installSlackApp(api, slack, { team: globex, user: hank });
    for (const [name, repository] of [
      ['Payments', repo.url],
      ['Billing', 'file:///srv/git/billing.git'],
    ]) {
      const created = await api.graphql(
        `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
        { input: { name, administrative: false, branch: 'main', repository, provider: 'RAW_GIT' } },
      );
      expect(created.errors).toBeUndefined();
    }
    await policy(
      'dev-notifications writes',
      `package spacelift\n\nwrite {\n  input.slack.team.id == "${acme.id}"\n  input.slack.channel.name == "dev-notifications"\n}`,
      'payments',
    );
  });

  afterAll(async () => {
    await api?.close();
    await slack?.close();
    await harness?.stop();
    await repo?.remove();
  });

  it('refuses a request signed more than 5 minutes ago and a bad signature', async () => {
    const body = new URLSearchParams({ team_id: acme.id, text: 'help' });
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await sendAsSlack(`${api.url}/slack/commands`, {
      signingSecret: SLACK_APP.signingSecret,
      body,
      timestamp: old,
    });
    expect(stale.status).toBe(401);
    const forged = await sendAsSlack(`${api.url}/slack/interactions`, {
      signingSecret: 'not-the-secret',
      body: new URLSearchParams({ payload: '{}' }),
    });
    expect(forged.status).toBe(401);
  });

  it('tells a workspace without the app to install it, and answers help', async () => {
    const stranger = slack.addUser({ teamId: lonely.id, name: 'stranger' });
    const { reply } = await command('status payments', { user: stranger, team: lonely });
    expect(reply.text).toBe(
      'Gantry is not installed in this Slack workspace. Ask a Gantry admin for an install link (the installUrl of the slackIntegration query; it works for 10 minutes), open it to install the app here, then try again.',
    );
    for (const text of ['help', '', 'frobnicate payments']) {
      const { reply: help } = await command(text);
      // Slack shows &lt; and &gt; as < and >; bare, they would be read as a link.
      expect(help.text).toContain('`/gantry subscribe &lt;stackId&gt; [--events');
      expect(help.text).toContain('`/gantry trigger &lt;stackId&gt;`');
    }
  });

  it('subscribes a channel a policy lets in; elsewhere the answer is that of a stack that does not exist', async () => {
    const { reply } = await command('subscribe payments');
    expect(reply.text).toContain('This channel is now subscribed to stack "payments"');
    expect(await subscriptions()).toEqual([
      expect.objectContaining({
        stackId: 'payments',
        teamId: acme.id,
        channelId: DEV.id,
        channelName: DEV.name,
        subscribedBy: ada.id,
      }),
    ]);
    expect((await command('subscribe payments')).reply.text).toContain('already subscribed');

    const denied = await command('subscribe payments', { channel: RANDOM });
    const unknown = await command('subscribe nowhere', { channel: RANDOM });
    expect(denied.reply.text).toBe(refusal('payments', 'read'));
    expect(unknown.reply.text).toBe(refusal('nowhere', 'read'));
    expect(await subscriptions()).toHaveLength(1);
  });

  it('unsubscribes a channel', async () => {
    expect((await command('unsubscribe payments')).reply.text).toContain(
      'This channel is unsubscribed from stack "payments"',
    );
    expect(
      await harness.database.db
        .select()
        .from(schema.slackSubscriptions)
        .where(
          and(
            eq(schema.slackSubscriptions.stackId, 'payments'),
            eq(schema.slackSubscriptions.channelId, DEV.id),
          ),
        ),
    ).toEqual([]);
    expect((await command('unsubscribe payments')).reply.text).toContain('is not subscribed');
    expect((await command('unsubscribe payments', { channel: RANDOM })).reply.text).toBe(
      refusal('payments', 'read'),
    );
  });

  it('says in status why run messages stopped reaching a channel, and resumes them when it subscribes again', async () => {
    expect((await command('subscribe payments')).reply.text).toContain('now subscribed');
    const refusedAt = new Date('2026-01-02T03:04:05Z');
    await harness.database.db
      .update(schema.slackSubscriptions)
      .set({ refusedAt, refusedReason: 'not_in_channel' })
      .where(eq(schema.slackSubscriptions.channelId, DEV.id));

    const stopped = (await command('status payments')).reply.text;
    expect(stopped).toContain(
      `Run messages of this stack stopped reaching this channel on <!date^${refusedAt.getTime() / 1000}^{date_short_pretty} at {time}|2026-01-02T03:04:05.000Z>: Slack answered not_in_channel.`,
    );
    expect(stopped).toContain('`/gantry subscribe payments` resumes them');

    const grace = slack.addUser({ teamId: acme.id, name: 'grace' });
    const again = await command('subscribe payments', { user: grace });
    expect(again.reply.text).toContain('This channel is subscribed to stack "payments" again');
    expect(await subscriptions()).toEqual([
      expect.objectContaining({
        channelId: DEV.id,
        subscribedBy: grace.id,
        refusedAt: null,
        refusedReason: null,
      }),
    ]);
    expect((await command('status payments')).reply.text).not.toContain('stopped');
    expect((await command('subscribe payments')).reply.text).toContain('already subscribed');
    expect((await command('unsubscribe payments')).reply.text).toContain('unsubscribed');
  });

  it('triggers a run only with write, as the Slack user, and shows it in status', async () => {
    expect((await command('status payments')).reply.text).toContain('has no tracked runs yet');
    expect((await command('trigger payments', { channel: RANDOM })).reply.text).toBe(
      refusal('payments', 'write'),
    );
    expect(await harness.database.db.select().from(schema.runs)).toEqual([]);

    const { reply } = await command('trigger payments');
    const [run] = await harness.database.db.select().from(schema.runs);
    runId = run!.id;
    expect(run!.triggeredBy).toBe(`slack:${ada.id}`);
    expect(reply.text).toContain(`${api.url}/stack/payments/run/${runId}`);

    await harness.waitForState(runId, RunState.UNCONFIRMED);
    const status = (await command('status payments')).reply.text;
    expect(status).toContain('is UNCONFIRMED');
    expect(status).toContain(`\`${run!.commitHash.slice(0, 8)}\` (Add the marker)`);
    expect(status).toContain(`${api.url}/stack/payments/run/${runId}`);
  });

  it("gives policies exactly the seed's slack input: command, users.info fields, team and channel", async () => {
    const expected = {
      command: 'status billing',
      user: {
        id: hank.id,
        deleted: false,
        display_name: 'hank',
        has_2fa: true,
        is_admin: true,
        is_owner: false,
        is_primary_owner: false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_stranger: false,
        real_name: 'Hank Scorpio',
        tz: 'America/Chicago',
        enterprise: {
          id: 'W0HANK0001',
          enterprise_id: 'E0GLOBEX1',
          enterprise_name: 'Globex Corporation',
          is_admin: false,
          is_owner: true,
          teams: [globex.id],
        },
      },
      team: { id: globex.id, name: 'Globex' },
      channel: OPS,
    };
    await policy(
      'exactly hank',
      `package spacelift\n\nread { input.slack == ${JSON.stringify(expected)} }`,
      'billing',
    );
    const asHank = { user: hank, team: globex, channel: OPS };
    expect((await command('status billing', asHank)).reply.text).toContain(
      'Stack "billing" has no tracked runs yet',
    );
    // The command is the text as received, so other spacing is another command.
    expect((await command('status  billing', asHank)).reply.text).toBe(refusal('billing', 'read'));
    expect((await command('status billing', { channel: OPS })).reply.text).toBe(
      refusal('billing', 'read'),
    );
    // users.info was asked once for hank; the rest came from the cache.
    const lookups = slack.requests.filter(
      (request) => request.method === 'users.info' && request.args.user === hank.id,
    );
    expect(lookups).toHaveLength(1);
  });

  it('refuses a click from a channel without write, ephemerally, and leaves the run waiting', async () => {
    const { responseUrl } = await click('gantry_confirm', { channel: RANDOM });
    const reply = await responseAt(responseUrl);
    expect(reply).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: `Nothing was done. ${refusal('payments', 'write')}`,
    });
    expect(await runState(runId)).toBe(RunState.UNCONFIRMED);
  });

  it('confirms the run on a click from a channel with write; a second click is told it was decided', async () => {
    const confirm = await click('gantry_confirm');
    await harness.waitForState(runId, RunState.FINISHED);
    const [confirmed] = await harness.database.db
      .select()
      .from(schema.runTransitions)
      .where(
        and(
          eq(schema.runTransitions.runId, runId),
          eq(schema.runTransitions.state, RunState.CONFIRMED),
        ),
      );
    expect(confirmed!.username).toBe('Ada (Slack)');
    // A decision the run took tells nothing: the run message says who decided.
    await api.slackIdle();
    expect(slack.responsesAt(confirm.responseUrl)).toEqual([]);

    const again = await click('gantry_discard');
    const reply = await responseAt(again.responseUrl);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.replace_original).toBe(false);
    expect(reply.text).toMatch(/^This run was already decided, so your discard changed nothing/);
    expect(await runState(runId)).toBe(RunState.FINISHED);
  });

  it('acknowledges before a slow users.info returns, and posts the reply to response_url after', async () => {
    const grace = slack.addUser({ teamId: acme.id, name: 'grace', realName: 'Grace Hopper' });
    const linus = slack.addUser({ teamId: acme.id, name: 'linus' });
    slack.delay('users.info', 4_000);
    const lookup = (user: SlackUserRecord) =>
      slack.requests.find(
        (request) => request.method === 'users.info' && request.args.user === user.id,
      );
    try {
      const [statusUrl, pressed] = await Promise.all([
        sendCommand('status payments', { user: grace }),
        click('gantry_discard', { user: linus }),
      ]);
      // Both were acknowledged; users.info is asked after the ack, and Slack still holds the
      // calls, so neither reply can have been made yet.
      await eventually('users.info to be asked for grace and linus', () =>
        Boolean(lookup(grace) && lookup(linus)),
      );
      expect([lookup(grace)!.status, lookup(linus)!.status]).toEqual([0, 0]);
      expect(slack.responsesAt(statusUrl)).toEqual([]);
      expect(slack.responsesAt(pressed.responseUrl)).toEqual([]);

      const status = await responseAt(statusUrl);
      expect(lookup(grace)!.status).toBe(200);
      expect(status.response_type).toBe('ephemeral');
      expect(status.text).toContain('The latest tracked run of stack "payments" is FINISHED');
      expect((await responseAt(pressed.responseUrl)).text).toMatch(/already decided/);
    } finally {
      slack.delay('users.info', 0);
    }
  });

  it('tells at response_url when Slack fails users.info, in the words it used to answer with', async () => {
    const alan = slack.addUser({ teamId: acme.id, name: 'alan' });
    slack.failNext(2, { status: 503 });
    const { reply } = await command('status payments', { user: alan });
    expect(reply.text).toMatch(
      /^Slack did not tell Gantry who you are \(.+\)\. Try again in a minute\.$/,
    );
    // Once Slack answers again, so does the command.
    expect((await command('status payments', { user: alan })).reply.text).toContain('is FINISHED');
  });
});
