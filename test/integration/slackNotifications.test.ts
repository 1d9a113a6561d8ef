import type { Installation } from '@slack/oauth';
import { and, eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { schema } from '../support/tables';
import { createLogger } from '../../src/platform/logger';
import { RunState, RunType } from '../../src/runs/types';
import { SlackInstallations } from '../../src/slack/installations';
import { createSlackNotifier } from '../../src/slack/notifier';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';
import {
  startSlackServer,
  type SlackChannelRecord,
  type SlackMessageRecord,
  type SlackServer,
} from '../support/slackServer';
import { SLACK_APP } from '../support/slackApp';

const { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } = SLACK_APP;
const SCOPES = ['commands', 'chat:write', 'chat:write.public', 'users:read'];

const CODE = `
resource "terraform_data" "marker" {
  triggers_replace = "one"
}
`;

type Block = Record<string, unknown> & { type: string };

describe('Slack run messages', () => {
  let harness: RunHarness;
  let slack: SlackServer;
  let repo: TestRepo;
  let ops: SlackChannelRecord;
  let dev: SlackChannelRecord;
  let teamId: string;
  let adaId: string;
  let installations: SlackInstallations;

  const messagesOf = (runId: string, channel?: string) =>
    slack.messages.filter(
      (message) => message.text.includes(runId) && (!channel || message.channel === channel),
    );
  const stateOf = (message: SlackMessageRecord) => /is ([A-Z]+)/.exec(message.text)?.[1];
  const posts = (runId: string) =>
    slack.requests.filter(
      (request) =>
        request.method === 'chat.postMessage' &&
        request.status === 200 &&
        !request.error &&
        String(request.args.text).includes(runId),
    );

  /** Waits until every channel's message of the run shows `state`, and for stragglers after. */
  async function waitForMessages(runId: string, state: RunState, channels: string[]) {
    const deadline = Date.now() + 90_000;
    const shown = () =>
      channels.every((channel) =>
        messagesOf(runId, channel).some((message) => stateOf(message) === state),
      );
    while (!shown()) {
      if (Date.now() > deadline) {
        throw new Error(
          `run ${runId}'s messages show ${messagesOf(runId).map(stateOf).join(', ')}, not ${state}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Deliveries of earlier transitions may still be on their way: they must change nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  }

  async function subscribe(
    stackId: string,
    channel: { id: string; name: string },
    settings: Partial<typeof schema.slackSubscriptions.$inferInsert> = {},
  ) {
    await harness.database.db.insert(schema.slackSubscriptions).values({
      id: ulid(),
      stackId,
      teamId,
      channelId: channel.id,
      channelName: channel.name,
      subscribedBy: 'U0ADA',
      ...settings,
    });
  }

  const notifier = () =>
    createSlackNotifier({
      db: harness.database.db,
      installations,
      publicUrl: harness.apiUrl,
      logger: createLogger('silent'),
      slackApiUrl: slack.apiUrl,
    });

  /** A run written as it would be at `state`, and the delivery of that transition. */
  async function runAt(
    stackId: string,
    run: { type: RunType; branch: string; state: RunState },
    seq = 0,
    runId = ulid(),
  ) {
    await harness.database.db
      .insert(schema.runs)
      .values({ id: runId, stackId, ...run, commitHash: 'c'.repeat(40) })
      .onConflictDoUpdate({ target: schema.runs.id, set: { state: run.state } });
    await notifier()({ runId, stackId, state: run.state, seq });
    return runId;
  }

  async function addStack(id: string) {
    await harness.database.db.insert(schema.stacks).values({
      id,
      name: `Stack ${id}`,
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
    });
  }

  beforeAll(async () => {
    slack = await startSlackServer();
    const app = slack.addApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const acme = slack.addWorkspace({ name: 'Acme' });
    teamId = acme.id;
    const ada = slack.addUser({ teamId, name: 'ada' });
    adaId = ada.id;
    ops = slack.addChannel({ teamId, name: 'ops' });
    dev = slack.addChannel({ teamId, name: 'dev' });

    // Installing, as Slack's authorize page and oauth.v2.access do.
    const code = slack.authorize({ clientId: CLIENT_ID, teamId, userId: ada.id, scopes: SCOPES });
    const exchanged = (await (
      await fetch(`${slack.apiUrl}oauth.v2.access`, {
        method: 'POST',
        body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code }),
      })
    ).json()) as { access_token: string; bot_user_id: string };

    repo = await createTestRepo();
    await repo.commit({ 'main.tf': CODE }, 'Add the marker');
    harness = await startRunHarness({ slackNotifications: { slackApiUrl: slack.apiUrl } });
    const installation = {
      team: { id: teamId, name: 'Acme' },
      enterprise: undefined,
      user: { id: ada.id, token: undefined, scopes: undefined },
      bot: {
        token: exchanged.access_token,
        userId: exchanged.bot_user_id,
        id: 'B0GANTRY',
        scopes: SCOPES,
      },
      appId: app.id,
      isEnterpriseInstall: false,
      tokenType: 'bot',
    } as Installation;
    installations = new SlackInstallations({
      db: harness.database.db,
      box: harness.box,
      changes: harness.database.changes,
    });
    await installations.storeInstallation(installation);
    await addStack('app');
    await subscribe('app', ops);
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    await slack?.close();
    await repo?.remove();
  });

  it('posts one message for a tracked run, edits it through its states, with buttons while it waits', async () => {
    const run = await harness.service.trackHead('app', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    await waitForMessages(run.id, RunState.UNCONFIRMED, [ops.id]);

    expect(messagesOf(run.id)).toHaveLength(1);
    const message = messagesOf(run.id)[0]!;
    expect(message.channel).toBe(ops.id);
    expect(posts(run.id)).toHaveLength(1);
    // The first post shows the run as it is by then; every edit moves it on, never back.
    const shown = [...message.edits, message].map(
      (version) => /is ([A-Z]+)/.exec(version.text)![1],
    );
    expect(new Set(shown).size).toBe(shown.length);
    const order = Object.values(RunState) as string[];
    expect([...shown].sort((a, b) => order.indexOf(a!) - order.indexOf(b!))).toEqual(shown);

    const blocks = message.blocks as Block[];
    const text = JSON.stringify(blocks);
    expect(text).toContain('Stack app');
    expect(text).toContain('tracked run');
    expect(text).toContain('+1 ~0 -0');
    expect(text).toContain('`terraform_data.marker`');
    expect(text).toContain(run.commitHash.slice(0, 7));
    expect(text).toContain('Add the marker');
    expect(text).toContain(`${harness.apiUrl}/stack/app/run/${run.id}`);
    expect(message.text).toBe(`Stack app: tracked run ${run.id} is UNCONFIRMED (+1 ~0 -0)`);
    const actions = blocks.find((block) => block.type === 'actions')!;
    const value = JSON.stringify({ stackId: 'app', runId: run.id });
    expect(actions).toMatchObject({
      block_id: 'gantry_decision',
      elements: [
        { type: 'button', action_id: 'gantry_confirm', value, style: 'primary' },
        { type: 'button', action_id: 'gantry_discard', value, style: 'danger' },
      ],
    });

    await harness.service.decide('app', run.id, 'confirm', 'U123 (alice)');
    await harness.waitForState(run.id, RunState.FINISHED);
    await waitForMessages(run.id, RunState.FINISHED, [ops.id]);

    expect(messagesOf(run.id)).toHaveLength(1);
    expect(posts(run.id)).toHaveLength(1);
    const done = messagesOf(run.id)[0]!;
    expect((done.blocks as Block[]).some((block) => block.type === 'actions')).toBe(false);
    expect(JSON.stringify(done.blocks)).toContain('Confirmed by U123 (alice)');
    expect(done.text).toContain('confirmed by U123 (alice)');

    // The events of earlier transitions arrive again, late: nothing is posted or edited.
    const before = slack.requests.length;
    const notify = createSlackNotifier({
      db: harness.database.db,
      installations,
      publicUrl: harness.apiUrl,
      logger: createLogger('silent'),
      slackApiUrl: slack.apiUrl,
    });
    for (const [seq, state] of [
      RunState.QUEUED,
      RunState.UNCONFIRMED,
      RunState.FINISHED,
    ].entries()) {
      await notify({ runId: run.id, stackId: 'app', state, seq });
    }
    expect(slack.requests.length).toBe(before);
  }, 180_000);

  it('gives a proposed run one message in each subscribed channel, past a channel Slack lost', async () => {
    await addStack('multi');
    // Subscribed first, so its refusal comes before the other channels' turns.
    await subscribe('multi', { id: 'C0GONE', name: 'gone' });
    await subscribe('multi', ops);
    await subscribe('multi', dev);
    const head = await repo.commit({ 'extra.tf': '# extra\n' }, 'Propose', 'feature');
    const run = await harness.service.proposeRun('multi', {
      branch: 'feature',
      commit: { hash: head, message: 'Propose', authorName: 'Ada', timestamp: new Date(), url: '' },
      triggeredBy: 'ada',
    });
    await harness.waitForState(run.id, RunState.FINISHED);
    await waitForMessages(run.id, RunState.FINISHED, [ops.id, dev.id]);

    expect(messagesOf(run.id, ops.id)).toHaveLength(1);
    expect(messagesOf(run.id, dev.id)).toHaveLength(1);
    expect(posts(run.id)).toHaveLength(2);
    const refused = slack.requests.filter((request) => request.args.channel === 'C0GONE');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((request) => request.error === 'channel_not_found')).toBe(true);
    const [gone] = await harness.database.db
      .select()
      .from(schema.slackSubscriptions)
      .where(
        and(
          eq(schema.slackSubscriptions.stackId, 'multi'),
          eq(schema.slackSubscriptions.channelId, 'C0GONE'),
        ),
      );
    expect(gone!.refusedAt).toBeInstanceOf(Date);
    expect(gone!.refusedReason).toBe('channel_not_found');
    const message = messagesOf(run.id, ops.id)[0]!;
    expect(JSON.stringify(message.blocks)).toContain('proposed run');
    expect((message.blocks as Block[]).some((block) => block.type === 'actions')).toBe(false);
  }, 180_000);

  it('delivers once each after Slack rate limits and fails for a while', async () => {
    slack.failNext(3, { status: 429, retryAfterSeconds: 1 });
    slack.failNext(1, { status: 503 });
    const task = await harness.service.createTask('app', {
      command: 'echo hello',
      triggeredBy: 'ada',
    });
    await harness.waitForState(task.id, RunState.FINISHED);
    await waitForMessages(task.id, RunState.FINISHED, [ops.id]);

    expect(slack.requests.filter((request) => request.status === 429)).toHaveLength(3);
    expect(messagesOf(task.id)).toHaveLength(1);
    expect(posts(task.id)).toHaveLength(1);
    expect(JSON.stringify(messagesOf(task.id)[0]!.blocks)).toContain('`echo hello`');
  }, 180_000);

  it('posts one message however many deliveries of a run run at once', async () => {
    await addStack('race');
    await subscribe('race', dev);
    const runId = ulid();
    await harness.database.db.insert(schema.runs).values({
      id: runId,
      stackId: 'race',
      type: RunType.TRACKED,
      state: RunState.PLANNING,
      branch: 'main',
      commitHash: 'a'.repeat(40),
    });
    const notify = createSlackNotifier({
      db: harness.database.db,
      installations,
      publicUrl: harness.apiUrl,
      logger: createLogger('silent'),
      slackApiUrl: slack.apiUrl,
    });

    await Promise.all(
      [RunState.QUEUED, RunState.INITIALIZING, RunState.PLANNING, RunState.PLANNING].map(
        (state, seq) => notify({ runId, stackId: 'race', state, seq }),
      ),
    );

    expect(posts(runId)).toHaveLength(1);
    expect(messagesOf(runId, dev.id)).toEqual([
      expect.objectContaining({ edits: [], text: `Stack race: tracked run ${runId} is PLANNING` }),
    ]);
  });

  it('stops trying a channel Slack refused for good, and keeps the other channels', async () => {
    await addStack('shelved');
    const archived = slack.addChannel({ teamId, name: 'old-ops' });
    await subscribe('shelved', archived);
    await subscribe('shelved', dev);
    const notify = createSlackNotifier({
      db: harness.database.db,
      installations,
      publicUrl: harness.apiUrl,
      logger: createLogger('silent'),
      slackApiUrl: slack.apiUrl,
    });
    const addRun = async () => {
      const runId = ulid();
      await harness.database.db.insert(schema.runs).values({
        id: runId,
        stackId: 'shelved',
        type: RunType.TRACKED,
        state: RunState.QUEUED,
        branch: 'main',
        commitHash: 'b'.repeat(40),
      });
      await notify({ runId, stackId: 'shelved', state: RunState.QUEUED, seq: 0 });
      return runId;
    };
    const tries = () =>
      slack.requests.filter((request) => request.args.channel === archived.id).length;

    await addRun();
    expect(tries()).toBe(1);
    archived.isArchived = true;
    const refusedRun = await addRun();
    expect(tries()).toBe(2);
    expect(
      slack.requests.filter((request) => request.args.channel === archived.id).at(-1),
    ).toMatchObject({
      error: 'is_archived',
    });
    expect(messagesOf(refusedRun, dev.id)).toHaveLength(1);
    const [stopped] = await harness.database.db
      .select()
      .from(schema.slackSubscriptions)
      .where(eq(schema.slackSubscriptions.channelId, archived.id));
    expect(stopped!.refusedAt).toBeInstanceOf(Date);
    expect(stopped!.refusedReason).toBe('is_archived');

    // Later runs go to the other channel only; Slack is not asked about the archived one again.
    const later = await addRun();
    expect(tries()).toBe(2);
    expect(messagesOf(later, dev.id)).toHaveLength(1);
  });

  it('posts nothing for a FINISHED run with only-failures, and posts a FAILED one', async () => {
    await addStack('failures');
    await subscribe('failures', dev, { onlyFailures: true });
    const fine = await harness.service.createTask('failures', {
      command: 'echo fine',
      triggeredBy: 'ada',
    });
    await harness.waitForState(fine.id, RunState.FINISHED);
    const broken = await harness.service.createTask('failures', {
      command: 'exit 3',
      triggeredBy: 'ada',
    });
    await harness.waitForState(broken.id, RunState.FAILED);
    await waitForMessages(broken.id, RunState.FAILED, [dev.id]);

    expect(messagesOf(fine.id)).toHaveLength(0);
    expect(posts(fine.id)).toHaveLength(0);
    expect(messagesOf(broken.id, dev.id)).toHaveLength(1);
    expect(posts(broken.id)).toHaveLength(1);
  }, 180_000);

  it('stays silent with --branches main for a proposed run on another branch', async () => {
    await addStack('mainline');
    await subscribe('mainline', dev, { branches: 'main' });
    await subscribe('mainline', ops, { branches: 'default' });
    const head = await repo.commit({ 'other.tf': '# other\n' }, 'Elsewhere', 'elsewhere');
    const run = await harness.service.proposeRun('mainline', {
      branch: 'elsewhere',
      commit: {
        hash: head,
        message: 'Elsewhere',
        authorName: 'Ada',
        timestamp: new Date(),
        url: '',
      },
      triggeredBy: 'ada',
    });
    await harness.waitForState(run.id, RunState.FINISHED);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(messagesOf(run.id)).toHaveLength(0);

    const onMain = await runAt('mainline', {
      type: RunType.PROPOSED,
      branch: 'main',
      state: RunState.FINISHED,
    });
    expect(messagesOf(onMain, dev.id)).toHaveLength(1);
    expect(messagesOf(onMain, ops.id)).toHaveLength(1);
    const onRelease = await runAt('mainline', {
      type: RunType.PROPOSED,
      branch: 'release/1',
      state: RunState.FINISHED,
    });
    expect(messagesOf(onRelease)).toHaveLength(0);
  }, 180_000);

  it('posts by type and event, and keeps a posted message up to its end state', async () => {
    await addStack('chosen');
    const proposals = slack.addChannel({ teamId, name: 'proposals' });
    const waiting = slack.addChannel({ teamId, name: 'waiting' });
    const released = slack.addChannel({ teamId, name: 'released' });
    await subscribe('chosen', proposals, { types: [RunType.PROPOSED] });
    await subscribe('chosen', waiting, { events: [RunState.UNCONFIRMED] });
    await subscribe('chosen', released, { branches: 'release/*', types: [RunType.TRACKED] });

    const runId = await runAt('chosen', {
      type: RunType.TRACKED,
      branch: 'main',
      state: RunState.PLANNING,
    });
    expect(messagesOf(runId)).toHaveLength(0);
    await runAt(
      'chosen',
      { type: RunType.TRACKED, branch: 'main', state: RunState.UNCONFIRMED },
      1,
      runId,
    );
    expect(messagesOf(runId, waiting.id)).toHaveLength(1);
    expect(messagesOf(runId)).toHaveLength(1);
    // FINISHED is not one of its events, but the message it has is edited to it.
    await runAt(
      'chosen',
      { type: RunType.TRACKED, branch: 'main', state: RunState.FINISHED },
      2,
      runId,
    );
    const [message] = messagesOf(runId, waiting.id);
    expect(stateOf(message!)).toBe(RunState.FINISHED);
    expect(message!.edits).toHaveLength(1);
    expect((message!.blocks as Block[]).some((block) => block.type === 'actions')).toBe(false);
    expect(messagesOf(runId)).toHaveLength(1);

    const proposed = await runAt('chosen', {
      type: RunType.PROPOSED,
      branch: 'feature',
      state: RunState.FINISHED,
    });
    expect(messagesOf(proposed).map((each) => each.channel)).toEqual([proposals.id]);
    const release = await runAt('chosen', {
      type: RunType.TRACKED,
      branch: 'release/2',
      state: RunState.QUEUED,
    });
    expect(messagesOf(release).map((each) => each.channel)).toEqual([released.id]);
  });

  it('posts to a member ID in the direct message with the person, and edits it there', async () => {
    await addStack('personal');
    await subscribe('personal', { id: adaId, name: '@ada' });
    const runId = await runAt('personal', {
      type: RunType.TRACKED,
      branch: 'main',
      state: RunState.PLANNING,
    });
    const im = slack.directMessageChannel(teamId, adaId);
    expect(messagesOf(runId, im.id)).toHaveLength(1);
    await runAt(
      'personal',
      { type: RunType.TRACKED, branch: 'main', state: RunState.FAILED },
      1,
      runId,
    );

    const [message] = messagesOf(runId, im.id);
    expect(stateOf(message!)).toBe(RunState.FAILED);
    expect(message!.edits).toHaveLength(1);
    expect(posts(runId)).toHaveLength(1);
    const updates = slack.requests.filter(
      (request) => request.method === 'chat.update' && String(request.args.text).includes(runId),
    );
    expect(updates.map((update) => [update.args.channel, update.error])).toEqual([
      [im.id, undefined],
    ]);
    const [row] = await harness.database.db
      .select()
      .from(schema.slackRunMessages)
      .where(eq(schema.slackRunMessages.runId, runId));
    expect(row).toMatchObject({ channelId: adaId, postedIn: im.id });
  });

  it('posts nothing about a stack no channel subscribed to', async () => {
    await addStack('quiet');
    const before = slack.requests.length;
    const task = await harness.service.createTask('quiet', {
      command: 'echo quiet',
      triggeredBy: 'ada',
    });
    await harness.waitForState(task.id, RunState.FINISHED);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(slack.requests.length).toBe(before);
    expect(messagesOf(task.id)).toHaveLength(0);
  }, 120_000);
});
