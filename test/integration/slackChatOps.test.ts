import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { RunState } from '../../src/runs/types';
import { startApiServer, type ApiServer } from '../support/api';
import { CookieBrowser } from '../support/cookieBrowser';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startGitLabServer, type GitLabServer } from '../support/gitlabServer';
import { startRunHarness, type RunHarness } from '../support/runs';
import { installSlackApp, SLACK_APP, slackSettings } from '../support/slackApp';
import { sendAsSlack } from '../support/slackSigning';
import {
  startSlackServer,
  type SlackServer,
  type SlackUserRecord,
  type SlackWorkspaceRecord,
} from '../support/slackServer';
import { schema } from '../support/tables';

const DEV = { id: 'C0DEVNOTE1', name: 'dev-notifications' };

const code = (input: string) => `
resource "terraform_data" "marker" {
  input = "${input}"
}
`;

interface Reply {
  text: string;
  response_type?: string;
  replace_original?: boolean;
  blocks?: Array<{
    type: string;
    elements?: Array<{ action_id: string; url?: string; value?: string }>;
  }>;
}

describe('ChatOps from Slack: deploy, rollback, typed decisions, linked identities, DMs', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let slack: SlackServer;
  let gitlab: GitLabServer;
  let repo: TestRepo;
  let acme: SlackWorkspaceRecord;
  let ada: SlackUserRecord;
  let bob: SlackUserRecord;
  const commits: Record<'one' | 'two' | 'three', string> = { one: '', two: '', three: '' };

  /** A slash command as Slack sends it; the reply that follows at response_url. */
  async function command(text: string, user: SlackUserRecord = ada): Promise<Reply> {
    const responseUrl = slack.responseUrl();
    const response = await sendAsSlack(`${api.url}/slack/commands`, {
      signingSecret: SLACK_APP.signingSecret,
      body: new URLSearchParams({
        team_id: acme.id,
        team_domain: acme.domain,
        channel_id: DEV.id,
        channel_name: DEV.name,
        user_id: user.id,
        user_name: user.name,
        command: '/gantry',
        text,
        api_app_id: 'A0001',
        response_url: responseUrl,
        trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      }),
    });
    expect(response.status).toBe(200);
    return (await slack.response(responseUrl)).body as unknown as Reply;
  }

  /** A press of a button of an answer Gantry gave, as Slack sends it. */
  async function press(button: { action_id: string; value?: string }, user = ada) {
    const responseUrl = slack.responseUrl();
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: user.teamId },
      api_app_id: 'A0001',
      container: { type: 'message', message_ts: '1700000000.000200', is_ephemeral: true },
      trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      team: { id: user.teamId, domain: 'acme' },
      channel: DEV,
      response_url: responseUrl,
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: 'b',
          value: button.value,
          action_ts: String(Date.now() / 1000),
        },
      ],
    };
    const response = await sendAsSlack(`${api.url}/slack/interactions`, {
      signingSecret: SLACK_APP.signingSecret,
      body: new URLSearchParams({ payload: JSON.stringify(payload) }),
    });
    expect(response.status).toBe(200);
    return (await slack.response(responseUrl)).body as unknown as Reply;
  }

  function button(reply: Reply, actionId: string) {
    const found = reply.blocks
      ?.flatMap((block) => block.elements ?? [])
      .find((element) => element.action_id === actionId);
    if (!found) throw new Error(`no ${actionId} button in ${JSON.stringify(reply)}`);
    return found;
  }

  const runRow = async (id: string) =>
    (await harness.database.db.select().from(schema.runs).where(eq(schema.runs.id, id)))[0]!;
  const runIdIn = (text: string) => /run (\w{26})/.exec(text)?.[1] ?? '';

  /**
   * Follows a link prompt's button in a browser: signs in with GitLab as `gitlabUser`, asks for
   * a code with the page's form, and answers the code shown with the browser that got it.
   */
  async function linkCode(reply: Reply, gitlabUser: string) {
    const browser = new CookieBrowser(api.url);
    const url = new URL(button(reply, 'gantry_link').url!);
    const first = await browser.fetch(url.pathname);
    expect(first.status).toBe(302);
    const signIn = await browser.fetch(first.headers.get('location')!);
    gitlab.signIn(gitlabUser);
    const authorized = await fetch(signIn.headers.get('location')!, { redirect: 'manual' });
    const callback = new URL(authorized.headers.get('location')!);
    const back = await browser.fetch(`${callback.pathname}${callback.search}`);
    expect(back.headers.get('location')).toBe('/slack/link');
    const page = await (await browser.fetch('/slack/link')).text();
    const csrf = /name="csrf" value="([^"]*)"/.exec(page)?.[1] ?? '';
    const shown = await browser.fetch('/slack/link', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect(shown.status).toBe(200);
    const codePage = await shown.text();
    const code = /\/gantry link ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(codePage)?.[1];
    if (!code) throw new Error(`no code on the page: ${codePage}`);
    return { browser, page, codePage, code };
  }

  beforeAll(async () => {
    repo = await createTestRepo();
    commits.one = await repo.commit({ 'main.tf': code('one') }, 'One');
    commits.two = await repo.commit({ 'main.tf': code('two') }, 'Two');
    execFileSync('git', ['tag', '-a', 'v2.0', '-m', 'release 2.0'], { cwd: repo.dir });
    commits.three = await repo.commit({ 'main.tf': code('three') }, 'Three');
    [harness, slack, gitlab] = await Promise.all([
      startRunHarness(),
      startSlackServer(),
      startGitLabServer(),
    ]);
    slack.addApp(SLACK_APP);
    acme = slack.addWorkspace({ name: 'Acme' });
    ada = slack.addUser({ teamId: acme.id, name: 'ada', realName: 'Ada Lovelace' });
    bob = slack.addUser({ teamId: acme.id, name: 'bob', realName: 'Bob Builder' });
    gitlab.addUser({ username: 'gantry', token: 'glpat-gantry' });
    gitlab.addUser({ username: 'ada', name: 'Ada Lovelace', groups: ['payments-team'] });
    gitlab.addUser({ username: 'bob', name: 'Bob Builder', groups: ['marketing'] });
    api = await startApiServer(harness, { slack: slackSettings(slack) });
    gitlab.addOAuthApp({
      clientId: 'gantry-app',
      clientSecret: 'gantry-secret',
      redirectUri: `${api.url}/oauth/gitlab/callback`,
    });
    const setup = await api.graphql(
      `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "glpat-gantry", oauthClientId: "gantry-app", oauthClientSecret: "gantry-secret") { oauthEnabled } }`,
      { host: gitlab.url },
    );
    expect(setup.errors).toBeUndefined();
    await installSlackApp(api, slack, { team: acme, user: ada });
    const created = await api.graphql(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      {
        input: {
          name: 'Payments',
          administrative: false,
          branch: 'main',
          repository: repo.url,
          provider: 'RAW_GIT',
        },
      },
    );
    expect(created.errors).toBeUndefined();
    // The channel may read; only the payments team writes, as their linked Gantry identity.
    const body = `package spacelift

read { input.slack.channel.name == "dev-notifications" }

write { input.session.teams[_] == "payments-team" }`;
    const policy = await api.graphql<{ policyCreate: { id: string } }>(
      `mutation ($body: String!) { policyCreate(name: "chatops", body: $body, type: ACCESS) { id } }`,
      { body },
    );
    expect(policy.errors).toBeUndefined();
    const attached = await api.graphql(
      `mutation ($id: ID!) { policyAttach(id: $id, stack: "payments") { id } }`,
      { id: policy.data!.policyCreate.id },
    );
    expect(attached.errors).toBeUndefined();
  });

  afterAll(async () => {
    await api?.close();
    await slack?.close();
    await gitlab?.close();
    await harness?.stop();
    await repo?.remove();
  });

  it('lists every command in help', async () => {
    const help = await command('help');
    for (const name of [
      'status',
      'runs',
      'trigger',
      'deploy',
      'rollback',
      'confirm',
      'discard',
      'subscribe',
      'unsubscribe',
      'whoami',
      'link',
      'unlink',
    ]) {
      expect(help.text).toContain(`\`/gantry ${name}`);
    }
  });

  it('asks an unlinked person to link before deploy, whatever the stack, and links them with a code they type', async () => {
    // Unlinked, the policy sees no session: the channel reads, nobody writes.
    expect((await command('trigger payments')).text).toContain('you may not change it');
    const unknown = await command('deploy no-such-stack');
    const prompt = await command('deploy payments');
    // The same answer for a stack that does not exist: nothing is revealed before linking.
    expect(unknown.text).toBe(prompt.text);
    expect(prompt.text).toContain('`/gantry deploy` acts as you');
    expect(button(prompt, 'gantry_link').url).toBe(`${api.url}/slack/link`);

    const { browser, page, codePage, code } = await linkCode(prompt, 'ada');
    expect(page).toContain('signed in to Gantry as <strong>ada</strong>');
    expect(codePage).toContain('Never give this code to anyone');
    // Asking for a code without the session's CSRF token gets none.
    const forged = await browser.fetch('/slack/link', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: 'guessed' }).toString(),
    });
    expect(forged.status).toBe(403);
    expect((await command('whoami')).text).toContain('not linked to a Gantry login');
    expect((await command('link ABCD-EFGH')).text).toContain(
      'That code is not one Gantry gave, was used already or has expired',
    );

    const linked = await command(`link ${code.toLowerCase()}`);
    expect(linked.text).toContain('linked to Gantry login `ada` (Ada Lovelace) for 7 days');
    // A code works once: whoever gets it afterwards links nothing.
    expect((await command(`link ${code}`, bob)).text).toContain('was used already');
    expect((await command('whoami', bob)).text).toContain('not linked to a Gantry login');

    const whoami = await command('whoami');
    expect(whoami.text).toContain('linked to Gantry login `ada` (Ada Lovelace) until');
    expect(whoami.text).toContain('teams `payments-team`');
  });

  it('deploys at a tag and at a commit, as the linked login, judged by input.session.teams', async () => {
    const atTag = await command('deploy payments v2.0');
    expect(atTag.text).toContain(`at tag \`v2.0\`, commit \`${commits.two.slice(0, 8)}\``);
    const tagRun = await runRow(runIdIn(atTag.text));
    expect(tagRun).toMatchObject({
      type: 'TRACKED',
      commitHash: commits.two,
      branch: 'v2.0',
      triggeredBy: 'ada',
    });
    await harness.waitForState(tagRun.id, RunState.UNCONFIRMED);
    const discarded = await command(`discard payments ${tagRun.id}`);
    expect(discarded.text).toContain('is discarded');
    await harness.waitForState(tagRun.id, RunState.DISCARDED);
    const [decision] = (
      await harness.database.db
        .select()
        .from(schema.runTransitions)
        .where(eq(schema.runTransitions.runId, tagRun.id))
    ).filter((transition) => transition.state === RunState.DISCARDED);
    expect(decision?.username).toBe('ada');

    const atSha = await command(`deploy payments ${commits.one}`);
    const shaRun = await runRow(runIdIn(atSha.text));
    expect(shaRun).toMatchObject({ commitHash: commits.one, branch: 'main', triggeredBy: 'ada' });
    await harness.waitForState(shaRun.id, RunState.UNCONFIRMED);
    expect((await command(`confirm payments ${shaRun.id}`)).text).toContain('is confirmed');
    await harness.waitForState(shaRun.id, RunState.FINISHED);

    expect((await command('deploy payments no-such-ref')).text).toBe(
      `Nothing was deployed: "no-such-ref" is no branch or tag of "${repo.url}".`,
    );
    // Bob links too, but his teams give him nothing here.
    const bobs = await linkCode(await command('link', bob), 'bob');
    await command(`link ${bobs.code}`, bob);
    expect((await command('whoami', bob)).text).toContain('linked to Gantry login `bob`');
    expect((await command('deploy payments', bob)).text).toContain('you may not change it');
    // Bob reads the stack only because this channel does: a copy to his DMs is not his to take.
    expect((await command('subscribe payments --to me', bob)).text).toContain(
      'there the stack access policies do not let you read stack "payments"',
    );
    // Ada's own access (her linked login's team) holds wherever she is.
    expect((await command('subscribe payments --to me --only-failures')).text).toContain(
      'You are now subscribed to stack "payments"',
    );
    await command('unsubscribe payments --to me');
  });

  it('proposes a rollback to the previous good commit, and starts it only on the button', async () => {
    const head = await command('deploy payments main');
    const headRun = runIdIn(head.text);
    await harness.waitForState(headRun, RunState.UNCONFIRMED);
    await command(`confirm payments ${headRun}`);
    await harness.waitForState(headRun, RunState.FINISHED);
    // A run with nothing to apply changes nothing: the rollback still undoes the one before it.
    const again = runIdIn((await command('deploy payments main')).text);
    await harness.waitForState(again, RunState.FINISHED);

    const before = (await harness.database.db.select().from(schema.runs)).length;
    const proposal = await command('rollback payments');
    expect(proposal.text).toContain(`from \`${commits.three.slice(0, 8)}\``);
    expect(proposal.text).toContain(`to \`${commits.one.slice(0, 8)}\``);
    expect(proposal.text).toContain(headRun);
    expect(proposal.text).not.toContain(again);
    expect((await harness.database.db.select().from(schema.runs)).length).toBe(before);

    const cancel = await press(button(proposal, 'gantry_rollback_cancel'));
    expect(cancel).toMatchObject({
      replace_original: true,
      text: 'Rollback not started; nothing was done.',
    });
    expect((await harness.database.db.select().from(schema.runs)).length).toBe(before);

    const started = await press(button(proposal, 'gantry_rollback'));
    expect(started.replace_original).toBe(true);
    expect(started.text).toContain(
      `Rolling back stack "payments" to \`${commits.one.slice(0, 8)}\``,
    );
    const rollbackRun = await runRow(runIdIn(started.text));
    expect(rollbackRun).toMatchObject({
      type: 'TRACKED',
      commitHash: commits.one,
      triggeredBy: 'ada',
    });
    // Pressed again, the same proposal starts nothing more.
    const twice = await press(button(proposal, 'gantry_rollback'));
    expect(twice.text).toContain('This rollback was started already');
    // Nor does another proposal of the same rollback while its run is under way.
    const another = await press(button(await command('rollback payments'), 'gantry_rollback'));
    expect(another.text).toContain(`This rollback was started already: <`);
    expect(another.text).toContain(rollbackRun.id);
    expect((await harness.database.db.select().from(schema.runs)).length).toBe(before + 1);
    expect(started.text).toContain('The run plans, then waits for a confirm.');
    await harness.waitForState(rollbackRun.id, RunState.UNCONFIRMED);
    await command(`discard payments ${rollbackRun.id}`);
    await harness.waitForState(rollbackRun.id, RunState.DISCARDED);

    // Discarded, the rollback can be asked for again, and that proposal starts a run of its own.
    const retried = await press(button(await command('rollback payments'), 'gantry_rollback'));
    const retryRun = runIdIn(retried.text);
    expect(retryRun).not.toBe('');
    expect(retryRun).not.toBe(rollbackRun.id);
    await harness.waitForState(retryRun, RunState.UNCONFIRMED);
    await command(`discard payments ${retryRun}`);
    await harness.waitForState(retryRun, RunState.DISCARDED);

    const runs = await command('runs payments');
    expect(runs.text).toContain(rollbackRun.id);
    expect(runs.text).toContain('*DISCARDED*');
  });

  it('answers commands sent in a direct message to the app, in that conversation, once', async () => {
    const dm = slack.directMessageChannel(acme.id, ada.id);
    const event = (eventId: string, text: string) => ({
      token: 'deprecated-verification-token',
      team_id: acme.id,
      api_app_id: 'A0001',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'message',
        channel_type: 'im',
        channel: dm.id,
        user: ada.id,
        text,
        ts: `${Date.now() / 1000}`,
        event_ts: `${Date.now() / 1000}`,
      },
    });
    // Only what is posted from here on: a subscription may have posted in the DM before.
    const earlier = slack.messages.filter((message) => message.channel === dm.id).length;
    const posted = () =>
      slack.messages.filter((message) => message.channel === dm.id).slice(earlier);
    for (let delivery = 0; delivery < 2; delivery++) {
      // Slack delivers an event again, newly signed, when it did not hear back in time.
      const answer = await sendAsSlack(`${api.url}/slack/events`, {
        signingSecret: SLACK_APP.signingSecret,
        body: event('Ev0WHOAMI1', 'whoami'),
      });
      expect(answer.status).toBe(200);
    }
    const deadline = Date.now() + 10_000;
    while (posted().length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posted()).toHaveLength(1);
    expect(posted()[0]!.text).toContain('linked to Gantry login `ada`');

    await sendAsSlack(`${api.url}/slack/events`, {
      signingSecret: SLACK_APP.signingSecret,
      body: event('Ev0STATUS1', '/gantry status payments'),
    });
    while (posted().length < 2 && Date.now() < deadline + 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(posted()[1]!.text).toContain('The latest tracked run of stack "payments"');

    // The bot's own answers come back as message.im events too: they are not commands.
    const own = event('Ev0OWNMSG1', 'help');
    const ignored = await sendAsSlack(`${api.url}/slack/events`, {
      signingSecret: SLACK_APP.signingSecret,
      body: { ...own, event: { ...own.event, bot_id: 'B0GANTRY1', subtype: 'bot_message' } },
    });
    expect(await ignored.json()).toEqual({
      message: '"message" events are not used; nothing was done',
    });
  });

  it('ends a link after 7 days: its teams may be stale by then', async () => {
    expect((await command('whoami', bob)).text).toContain('linked to Gantry login `bob`');
    await harness.database.db
      .update(schema.slackIdentities)
      .set({ linkedAt: new Date(Date.now() - 8 * 24 * 3_600_000) })
      .where(eq(schema.slackIdentities.userId, bob.id));
    expect((await command('whoami', bob)).text).toContain('not linked to a Gantry login');
    expect((await command('deploy payments', bob)).text).toContain('acts as you');
  });

  it('unlinks, after which deploy asks to link again', async () => {
    expect((await command('unlink')).text).toBe(
      'Your Slack account is no longer linked to Gantry login `ada`.',
    );
    expect((await command('whoami')).text).toContain('not linked to a Gantry login');
    expect((await command('deploy payments')).text).toContain('acts as you');
  });
});
