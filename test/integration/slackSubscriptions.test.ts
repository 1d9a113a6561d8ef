import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { schema } from '../support/tables';
import { startApiServer, type ApiServer } from '../support/api';
import { startRunHarness, type RunHarness } from '../support/runs';
import { installSlackApp, SLACK_APP, slackSettings } from '../support/slackApp';
import { sendAsSlack } from '../support/slackSigning';
import {
  startSlackServer,
  type SlackChannelRecord,
  type SlackServer,
  type SlackUserRecord,
  type SlackWorkspaceRecord,
} from '../support/slackServer';

interface Reply {
  text: string;
  response_type?: string;
}

type Block = Record<string, unknown> & { type: string };

const SUBSCRIPTION_FIELDS =
  'id stackId teamId channelId channelName events onlyFailures branches types subscribedBy refusedAt';

describe('Slack subscriptions: settings, listing, test messages, people and private channels', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let slack: SlackServer;
  let acme: SlackWorkspaceRecord;
  let ada: SlackUserRecord;
  let grace: SlackUserRecord;
  let dev: SlackChannelRecord;
  let secret: SlackChannelRecord;

  /** A slash command as Slack sends it; the reply that follows at response_url. */
  async function command(
    text: string,
    options: { user?: SlackUserRecord; channel?: { id: string; name: string } } = {},
  ): Promise<string> {
    const user = options.user ?? ada;
    const channel = options.channel ?? dev;
    const responseUrl = slack.responseUrl();
    const response = await sendAsSlack(`${api.url}/slack/commands`, {
      signingSecret: SLACK_APP.signingSecret,
      body: new URLSearchParams({
        token: 'deprecated-verification-token',
        team_id: acme.id,
        team_domain: acme.domain,
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
    expect(response.status).toBe(200);
    const reply = (await slack.response(responseUrl)).body as unknown as Reply;
    expect(reply.response_type).toBe('ephemeral');
    return reply.text;
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

  const rowsOf = (stackId: string) =>
    harness.database.db
      .select()
      .from(schema.slackSubscriptions)
      .where(eq(schema.slackSubscriptions.stackId, stackId));
  const messagesIn = (channel: string) =>
    slack.messages.filter((message) => message.channel === channel);

  beforeAll(async () => {
    [harness, slack] = await Promise.all([startRunHarness(), startSlackServer()]);
    slack.addApp(SLACK_APP);
    acme = slack.addWorkspace({ name: 'Acme' });
    ada = slack.addUser({ teamId: acme.id, name: 'ada' });
    grace = slack.addUser({
      teamId: acme.id,
      name: 'grace',
      profile: { displayName: 'Grace' },
    });
    dev = slack.addChannel({ teamId: acme.id, name: 'dev' });
    secret = slack.addChannel({ teamId: acme.id, name: 'secret-ops', isPrivate: true });
    api = await startApiServer(harness, { slack: slackSettings(slack) });
    await installSlackApp(api, slack, { team: acme, user: ada });
    for (const name of ['Payments', 'Billing', 'Hidden']) {
      const created = await api.graphql(
        `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
        {
          input: {
            name,
            administrative: false,
            branch: 'main',
            repository: 'file:///srv/git/app.git',
            provider: 'RAW_GIT',
          },
        },
      );
      expect(created.errors).toBeUndefined();
    }
    await policy(
      'acme reads payments',
      `package spacelift\n\nread { input.slack.team.id == "${acme.id}" }`,
      'payments',
    );
    await policy(
      'secret-ops reads billing',
      `package spacelift\n\nread { input.slack.channel.name == "secret-ops" }`,
      'billing',
    );
  });

  afterAll(async () => {
    await api?.close();
    await slack?.close();
    await harness?.stop();
  });

  it('subscribes with settings, says them, posts in the channel, and changes them on a second subscribe', async () => {
    const reply = await command(
      'subscribe payments --events unconfirmed,finished,failed --branches release/* --types tracked,tasks',
    );
    expect(reply).toBe(
      'This channel is now subscribed to stack "payments": states unconfirmed, finished, failed; types tracked, tasks; branches matching `release/*`. `/gantry unsubscribe payments` stops them.',
    );
    expect(await rowsOf('payments')).toEqual([
      expect.objectContaining({
        channelId: dev.id,
        events: ['UNCONFIRMED', 'FINISHED', 'FAILED'],
        onlyFailures: false,
        branches: 'release/*',
        types: ['TRACKED', 'TASK'],
      }),
    ]);
    const posted = messagesIn(dev.id);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain(
      `<@${ada.id}> subscribed this conversation to the runs of stack "Payments"`,
    );

    // Settings not given stay; --only-failures replaces the events.
    expect(await command('subscribe payments --only-failures')).toBe(
      'This channel stays subscribed to stack "payments", now with: failed runs only; types tracked, tasks; branches matching `release/*`. `/gantry unsubscribe payments` stops them.',
    );
    expect(await rowsOf('payments')).toEqual([
      expect.objectContaining({ events: [], onlyFailures: true, branches: 'release/*' }),
    ]);
    expect(await command('subscribe payments --only-failures')).toContain(
      'is already subscribed to stack "payments" with these settings: failed runs only',
    );
    expect(messagesIn(dev.id)).toHaveLength(2);
    expect(
      await command('subscribe payments --events all --branches=default --types all'),
    ).toContain("now with: every state; every type; the stack's branch.");
  });

  it('refuses words it does not know, saying the ones it does', async () => {
    expect(await command('subscribe payments --events finshed')).toBe(
      'Nothing changed: "finshed" is not a run state; --events takes "all" or a comma-separated list of queued, initializing, planning, unconfirmed, confirmed, applying, performing, finished, performed, failed, discarded, canceled, stopped.',
    );
    expect(await command('subscribe payments --types runs')).toContain(
      '--types takes "all" or a comma-separated list of tracked, proposed, tasks',
    );
    expect(await command('subscribe payments --loud')).toContain('"--loud" is not an option');
    expect(await command('subscribe payments --only-failures --events finished')).toContain(
      'give either events or only-failures, not both',
    );
    expect(await command('subscribe payments --to @grace')).toContain(
      '"@grace" is not a person Slack named',
    );
    expect(await rowsOf('payments')).toEqual([
      expect.objectContaining({ events: [], onlyFailures: false, branches: 'default' }),
    ]);
  });

  it('posts exactly one sample with test, marked and without buttons', async () => {
    const before = messagesIn(dev.id).length;
    expect(await command('test payments')).toContain(
      'Posted a sample run message of stack "payments" in this channel',
    );
    const samples = messagesIn(dev.id).slice(before);
    expect(samples).toHaveLength(1);
    expect(samples[0]!.text).toMatch(/^Test message from Gantry: no run is behind it/);
    const blocks = samples[0]!.blocks as Block[];
    expect(JSON.stringify(blocks)).toContain('Test message from Gantry');
    expect(blocks.some((block) => block.type === 'actions')).toBe(false);
  });

  it('refuses subscribe and test in a private channel the app is not in, and subscribes once it is invited', async () => {
    const asSlackSends = { id: secret.id, name: 'privategroup' };
    const refused = await command('subscribe payments', { channel: asSlackSends });
    expect(refused).toBe(
      'Nothing changed: Slack would not let the Gantry app post in this conversation (channel_not_found): it is private, or the app is not in it. Invite the app with `/invite @Gantry` there, then try again.',
    );
    expect(await command('test payments', { channel: asSlackSends })).toContain(
      'Invite the app with `/invite @Gantry`',
    );
    expect((await rowsOf('payments')).map((row) => row.channelId)).toEqual([dev.id]);

    const bot = [...slack.tokens.values()].find((token) => token.team.id === acme.id)!.user;
    secret.members.add(bot.id);
    expect(await command('subscribe payments', { channel: asSlackSends })).toContain(
      'This channel is now subscribed to stack "payments"',
    );
    // The subscription keeps the channel's real name, not Slack's placeholder.
    expect((await rowsOf('payments')).find((row) => row.channelId === secret.id)?.channelName).toBe(
      'secret-ops',
    );
  });

  it('gives policies the real name of a private channel, which Slack sends as privategroup', async () => {
    const asSlackSends = { id: secret.id, name: 'privategroup' };
    expect(await command('subscribe billing', { channel: asSlackSends })).toContain(
      'This channel is now subscribed to stack "billing"',
    );
    // Elsewhere the policy does not match.
    expect(await command('subscribe billing')).toContain('Stack "billing" does not exist');
    const lookups = slack.requests.filter(
      (request) => request.method === 'conversations.info' && request.args.channel === secret.id,
    );
    expect(lookups.map((lookup) => lookup.error ?? 'ok')).toEqual([
      'channel_not_found',
      'channel_not_found',
      'ok',
    ]);
  });

  it("lists this channel's subscriptions with settings, leaving out stacks the caller may not read", async () => {
    await harness.database.db.insert(schema.slackSubscriptions).values({
      id: ulid(),
      stackId: 'hidden',
      teamId: acme.id,
      channelId: dev.id,
      channelName: 'dev',
      subscribedBy: ada.id,
    });
    const listed = await command('subscriptions');
    expect(listed).toContain('This channel is subscribed to:');
    expect(listed).toContain('• stack "payments": every state; every type; the stack\'s branch');
    expect(listed).not.toContain('hidden');

    const ofStack = await command('subscriptions payments');
    expect(ofStack).toContain('Subscribed to stack "payments":');
    expect(ofStack).toContain(`• <#${dev.id}>: every state; every type; the stack's branch`);
    expect(ofStack).toContain(`• <#${secret.id}>: every state; every type; every branch`);
    expect(await command('subscriptions hidden')).toContain('Stack "hidden" does not exist');
  });

  it('subscribes only the caller with --to: their messages land in their DM with the app, which says how to stop them', async () => {
    // Policies judge ada and #dev, never grace: ada may not send grace a stack's runs.
    const before = slack.messages.length;
    for (const to of [`<@${grace.id}|grace>`, grace.id]) {
      expect(await command(`subscribe payments --to ${to} --only-failures`)).toBe(
        'Nothing changed: you can subscribe only yourself (`/gantry subscribe payments --to me`); only a Gantry admin can subscribe another person, through GraphQL (`slackSubscriptionCreate`).',
      );
    }
    expect(slack.messages).toHaveLength(before);
    expect((await rowsOf('payments')).map((row) => row.channelId)).not.toContain(grace.id);

    const reply = await command('subscribe payments --to me --only-failures', { user: grace });
    expect(reply).toBe(
      'You are now subscribed to stack "payments": failed runs only; every type; every branch. The messages go to your direct messages with the Gantry app. To stop them, type `/gantry unsubscribe payments` in your direct messages with the Gantry app, or `/gantry unsubscribe payments --to me` anywhere.',
    );
    const im = slack.directMessageChannel(acme.id, grace.id);
    expect(im.id).toMatch(/^D/);
    expect(messagesIn(im.id)).toHaveLength(1);
    expect(messagesIn(im.id)[0]!.text).toBe(
      'You subscribed to the runs of stack "Payments": failed runs only; every type; every branch. To stop them, type `/gantry unsubscribe payments` here, in your direct messages with the Gantry app.',
    );
    expect((await rowsOf('payments')).find((row) => row.channelId === grace.id)).toMatchObject({
      channelName: '@Grace',
      onlyFailures: true,
    });
    // Her own mention is herself too.
    expect(
      await command(`subscribe payments --to <@${grace.id}|grace> --only-failures`, {
        user: grace,
      }),
    ).toContain('You are already subscribed to stack "payments"');

    // Nobody else stops her subscription either.
    expect(await command(`unsubscribe payments --to <@${grace.id}|grace>`)).toBe(
      'Nothing changed: you can unsubscribe only yourself (`/gantry unsubscribe payments --to me`); only a Gantry admin can unsubscribe another person, through GraphQL (`slackSubscriptionDelete`).',
    );
    expect((await rowsOf('payments')).map((row) => row.channelId)).toContain(grace.id);

    // In her DM with the app, grace sees it and unsubscribes herself.
    const inDm = { id: im.id, name: 'directmessage' };
    expect(await command('subscriptions', { user: grace, channel: inDm })).toContain(
      `• stack "payments" (to <@${grace.id}>): failed runs only`,
    );
    expect(await command('unsubscribe payments', { user: grace, channel: inDm })).toBe(
      'This channel is unsubscribed from stack "payments"; its runs are no longer posted here.',
    );
    expect((await rowsOf('payments')).map((row) => row.channelId)).not.toContain(grace.id);
    expect(await command('unsubscribe payments', { user: grace, channel: inDm })).toBe(
      'This channel is not subscribed to stack "payments"; nothing changed. `/gantry subscribe payments` subscribes it.',
    );

    // --to me works from any channel, both ways.
    await command('subscribe payments --to me', { user: grace });
    expect(await command('unsubscribe payments --to me', { user: grace })).toBe(
      'You are unsubscribed from stack "payments"; its runs are no longer posted to you.',
    );
    expect(await command('unsubscribe payments --to me', { user: grace })).toBe(
      'You are not subscribed to stack "payments"; nothing changed. `/gantry subscribe payments --to me` subscribes you.',
    );

    // Subscribing in the DM subscribes the DM itself.
    expect(await command('subscribe payments', { user: grace, channel: inDm })).toContain(
      'This channel is now subscribed to stack "payments"',
    );
    expect((await rowsOf('payments')).map((row) => row.channelId)).toContain(im.id);
    expect(messagesIn(im.id).at(-1)!.text).toContain(
      'To stop them, type `/gantry unsubscribe payments` here, in your direct messages with the Gantry app.',
    );
  });

  it('lets a person stop, from their DM with the app, what an admin subscribed them to on a stack they may not read', async () => {
    const created = await api.graphql(
      `mutation ($input: SlackSubscriptionInput!) { slackSubscriptionCreate(input: $input) { id } }`,
      { input: { stackId: 'hidden', teamId: acme.id, channelId: grace.id } },
    );
    expect(created.errors).toBeUndefined();
    const im = slack.directMessageChannel(acme.id, grace.id);
    expect(messagesIn(im.id).at(-1)!.text).toBe(
      'A Gantry admin subscribed you to the runs of stack "Hidden": every state; every type; every branch. To stop them, type `/gantry unsubscribe hidden` here, in your direct messages with the Gantry app.',
    );

    // Anywhere else, a stack she may not read stays as if it did not exist.
    const refusal =
      'Stack "hidden" does not exist, or you may not see it from here. Check the stack ID; if it is right, ask a Gantry admin to attach a stack access policy that gives read access to this channel or to you.';
    expect(await command('unsubscribe hidden', { user: grace })).toBe(refusal);
    expect(await command('unsubscribe nothing', { user: grace })).toBe(
      refusal.replace('"hidden"', '"nothing"'),
    );
    expect(await command('unsubscribe', { user: grace })).toBe(
      'Name the stack: `/gantry unsubscribe &lt;stackId&gt; [--to me]`.',
    );

    const inDm = { id: im.id, name: 'directmessage' };
    expect(await command('subscriptions', { user: grace, channel: inDm })).toContain(
      `• stack "hidden" (to <@${grace.id}>): every state`,
    );
    expect(await command('unsubscribe hidden', { user: grace, channel: inDm })).toBe(
      'This channel is unsubscribed from stack "hidden"; its runs are no longer posted here.',
    );
    expect((await rowsOf('hidden')).map((row) => row.channelId)).not.toContain(grace.id);
    expect(await command('unsubscribe hidden', { user: grace, channel: inDm })).toBe(refusal);

    // --to me removes it from anywhere, and only hers.
    await api.graphql(
      `mutation ($input: SlackSubscriptionInput!) { slackSubscriptionCreate(input: $input) { id } }`,
      { input: { stackId: 'hidden', teamId: acme.id, channelId: grace.id } },
    );
    expect(await command('unsubscribe hidden --to me', { user: grace })).toBe(
      'You are unsubscribed from stack "hidden"; its runs are no longer posted to you.',
    );
    expect(await command('unsubscribe hidden --to me', { user: grace })).toBe(refusal);
  });

  it("names an admin who subscribed a person's DM through GraphQL as such, not as a broken mention", async () => {
    const im = slack.directMessageChannel(acme.id, grace.id);
    await harness.database.db
      .delete(schema.slackSubscriptions)
      .where(eq(schema.slackSubscriptions.channelId, im.id));
    const created = await api.graphql(
      `mutation ($input: SlackSubscriptionInput!) { slackSubscriptionCreate(input: $input) { id } }`,
      { input: { stackId: 'payments', teamId: acme.id, channelId: im.id } },
    );
    expect(created.errors).toBeUndefined();
    // In her own DM, Grace sees it, and who made it.
    const listed = await command('subscriptions payments', {
      user: grace,
      channel: { id: im.id, name: 'directmessage' },
    });
    expect(listed).toContain('• a direct message with the app (subscribed by a Gantry admin):');
    expect(listed).not.toContain('<@gantry:');
    // Anyone else sees that a person's DM hears the stack, not whose.
    const elsewhere = await command('subscriptions payments');
    expect(elsewhere).not.toContain(im.id);
    expect(elsewhere).toMatch(/…and \d+ (person's|people's) direct messages with the app\.$/);
  });

  it('lists the subscriptions a linked identity may read, judged by input.session', async () => {
    const created = await api.graphql(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      {
        input: {
          name: 'Ledger',
          administrative: false,
          branch: 'main',
          repository: 'file:///srv/git/app.git',
          provider: 'RAW_GIT',
        },
      },
    );
    expect(created.errors).toBeUndefined();
    await policy(
      'ledger team reads ledger',
      `package spacelift\n\nread { input.session.teams[_] == "ledger-team" }`,
      'ledger',
    );
    await harness.database.db.insert(schema.slackSubscriptions).values({
      id: ulid(),
      stackId: 'ledger',
      teamId: acme.id,
      channelId: dev.id,
      channelName: 'dev',
      subscribedBy: ada.id,
    });
    expect(await command('subscriptions')).not.toContain('ledger');

    await harness.database.db.insert(schema.slackIdentities).values({
      teamId: acme.id,
      userId: ada.id,
      login: 'ada',
      name: 'Ada Lovelace',
      teams: ['ledger-team'],
    });
    expect(await command('subscriptions')).toContain('• stack "ledger": every state');
    expect(await command('subscriptions', { user: grace })).not.toContain('ledger');
  });

  it('lets admins list, create, update and delete subscriptions through GraphQL, and no one else', async () => {
    const reader = await api.userToken(['platform']);
    const refused = await api.graphql(`{ slackIntegration { subscriptions { id } } }`, {}, reader);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refusedCreate = await api.graphql(
      `mutation ($input: SlackSubscriptionInput!) { slackSubscriptionCreate(input: $input) { id } }`,
      { input: { stackId: 'billing', teamId: acme.id, channelId: dev.id } },
      reader,
    );
    expect(refusedCreate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const created = await api.graphql<{ slackSubscriptionCreate: Record<string, unknown> }>(
      `mutation ($input: SlackSubscriptionInput!) {
        slackSubscriptionCreate(input: $input) { ${SUBSCRIPTION_FIELDS} }
      }`,
      {
        input: {
          stackId: 'billing',
          teamId: acme.id,
          channelId: dev.id,
          events: ['FINISHED', 'FAILED'],
          branches: 'main',
          types: ['PROPOSED'],
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const subscription = created.data!.slackSubscriptionCreate;
    expect(subscription).toMatchObject({
      stackId: 'billing',
      channelId: dev.id,
      channelName: 'dev',
      events: ['FINISHED', 'FAILED'],
      onlyFailures: false,
      branches: 'main',
      types: ['PROPOSED'],
      subscribedBy: 'gantry:admin',
      refusedAt: null,
    });
    expect(messagesIn(dev.id).at(-1)!.text).toContain(
      'A Gantry admin subscribed this conversation to the runs of stack "Billing"',
    );

    const updated = await api.graphql<{ slackSubscriptionUpdate: Record<string, unknown> }>(
      `mutation ($id: ID!, $input: SlackSubscriptionSettingsInput!) {
        slackSubscriptionUpdate(id: $id, input: $input) { ${SUBSCRIPTION_FIELDS} }
      }`,
      { id: subscription.id, input: { onlyFailures: true } },
    );
    expect(updated.data?.slackSubscriptionUpdate).toMatchObject({
      events: [],
      onlyFailures: true,
      branches: 'main',
      types: ['PROPOSED'],
    });
    const invalid = await api.graphql(
      `mutation ($id: ID!, $input: SlackSubscriptionSettingsInput!) {
        slackSubscriptionUpdate(id: $id, input: $input) { id }
      }`,
      { id: subscription.id, input: { branches: 'two words' } },
    );
    expect(invalid.errors?.[0]?.message).toContain('branches must be "default"');

    const intoPrivate = await api.graphql(
      `mutation ($input: SlackSubscriptionInput!) { slackSubscriptionCreate(input: $input) { id } }`,
      {
        input: {
          stackId: 'billing',
          teamId: acme.id,
          channelId: slack.addChannel({ teamId: acme.id, name: 'locked', isPrivate: true }).id,
        },
      },
    );
    expect(intoPrivate.errors?.[0]?.message).toContain('Invite the app with `/invite @Gantry`');

    const listed = await api.graphql<{
      slackIntegration: { subscriptions: Array<{ id: string }> };
    }>(`{ slackIntegration { subscriptions { id stackId } } }`);
    expect(listed.data!.slackIntegration.subscriptions.map((each) => each.id)).toContain(
      subscription.id,
    );

    const deleted = await api.graphql<{ slackSubscriptionDelete: { id: string } }>(
      `mutation ($id: ID!) { slackSubscriptionDelete(id: $id) { id } }`,
      { id: subscription.id },
    );
    expect(deleted.data?.slackSubscriptionDelete.id).toBe(subscription.id);
    const again = await api.graphql(
      `mutation ($id: ID!) { slackSubscriptionDelete(id: $id) { id } }`,
      { id: subscription.id },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
