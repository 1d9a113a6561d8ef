import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { schema } from '../support/tables';
import { SecretBox } from '../../src/platform/secrets';
import { oauthStateSecret } from '../../src/slack/install';
import { signInstallGrant } from '../../src/slack/installGrant';
import { startApiServer, type ApiServer } from '../support/api';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { sendAsSlack, slackSignature } from '../support/slackSigning';
import {
  startSlackServer,
  type SlackServer,
  type SlackUserRecord,
  type SlackWorkspaceRecord,
} from '../support/slackServer';
import { adminInstallUrl, SLACK_APP } from '../support/slackApp';

const {
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  signingSecret: SIGNING_SECRET,
} = SLACK_APP;
const SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'channels:read',
  'groups:read',
  'mpim:read',
  'im:history',
];

const INTEGRATION = `{
  slackIntegration {
    configured missingSettings installUrl
    workspaces { teamId teamName enterpriseId botUserId installedAt installedBy }
  }
}`;

interface Workspace {
  teamId: string;
  teamName: string | null;
  enterpriseId: string | null;
  botUserId: string;
  installedAt: number;
  installedBy: string;
}

interface Integration {
  configured: boolean;
  missingSettings: string[];
  installUrl: string;
  workspaces: Workspace[];
}

describe('Slack app installation', () => {
  let database: TestDatabase;
  let box: SecretBox;
  let slack: SlackServer;
  let api: ApiServer;
  let acme: SlackWorkspaceRecord;
  let globex: SlackWorkspaceRecord;
  let ada: SlackUserRecord;
  let hank: SlackUserRecord;

  const rows = () => database.db.select().from(schema.slackInstallations);
  const workspaces = async () =>
    (await api.graphql<{ slackIntegration: Integration }>(INTEGRATION)).data!.slackIntegration
      .workspaces;
  const exchanges = () => slack.requests.filter((request) => request.method === 'oauth.v2.access');
  const event = (body: unknown, options: { timestamp?: number; signature?: string | null } = {}) =>
    sendAsSlack(`${api.url}/slack/events`, { signingSecret: SIGNING_SECRET, body, ...options });
  const envelope = (teamId: string, inner: Record<string, unknown>) => ({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A0001',
    event: inner,
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
  });

  /**
   * Opening an install link as a browser: where it is sent, and the cookie it is given. The
   * link is an admin's from slackIntegration unless another is given.
   */
  async function startInstall(link?: string) {
    const response = await fetch(link ?? (await adminInstallUrl(api)), { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? 'about:blank');
    const cookie = response.headers
      .getSetCookie()
      .find((header) => header.startsWith('slack-app-oauth-state='));
    return { response, location, cookie: cookie?.split(';')[0] ?? '' };
  }

  /** Slack sending the browser back to Gantry. */
  const callback = (query: Record<string, string>, cookie: string) =>
    fetch(`${api.url}/slack/oauth/callback?${new URLSearchParams(query).toString()}`, {
      headers: cookie ? { cookie } : {},
      redirect: 'manual',
    });

  /** The whole flow: Gantry's install link, the person approving on Slack, the callback. */
  async function install(team: SlackWorkspaceRecord, user: SlackUserRecord) {
    const { location, cookie } = await startInstall();
    const code = slack.authorize({
      clientId: CLIENT_ID,
      teamId: team.id,
      userId: user.id,
      scopes: location.searchParams.get('scope')!.split(','),
      redirectUri: location.searchParams.get('redirect_uri')!,
    });
    return callback({ code, state: location.searchParams.get('state')! }, cookie);
  }

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    box = new SecretBox(randomBytes(32));
    slack = await startSlackServer();
    slack.addApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    acme = slack.addWorkspace({ name: 'Acme <Platform>' });
    globex = slack.addWorkspace({
      name: 'Globex',
      enterprise: { id: 'E0GLOBEX1', name: 'Globex Corporation' },
    });
    ada = slack.addUser({ teamId: acme.id, name: 'ada', isAdmin: true });
    hank = slack.addUser({ teamId: globex.id, name: 'hank' });
    api = await startApiServer(
      { database, box },
      {
        slack: {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          signingSecret: SIGNING_SECRET,
          apiUrl: slack.apiUrl,
          command: '/gantry',
        },
      },
    );
  });

  afterAll(async () => {
    await api?.close();
    await slack?.close();
    await database?.close();
  });

  beforeEach(async () => {
    await database.db.delete(schema.slackInstallations);
  });

  it("an admin's install link redirects to Slack's authorize page with the bot scopes and a state bound to the browser", async () => {
    const { response, location, cookie } = await startInstall();
    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe('https://slack.com/oauth/v2/authorize');
    expect(location.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(location.searchParams.get('scope')!.split(',').sort()).toEqual([...SCOPES].sort());
    expect(location.searchParams.get('redirect_uri')).toBe(`${api.url}/slack/oauth/callback`);
    const state = location.searchParams.get('state');
    expect(state).toBeTruthy();
    expect(cookie).toBe(`slack-app-oauth-state=${state}`);
    const other = await startInstall();
    expect(other.location.searchParams.get('state')).not.toBe(state);
  });

  it('sends nobody to Slack without a grant from an admin, and says where to get an install link', async () => {
    const now = Date.now();
    const otherGantry = new SecretBox(randomBytes(32));
    const [expires, mac] = signInstallGrant(box, now).split('.');
    const links = {
      'no grant': `${api.url}/slack/install`,
      'an empty grant': `${api.url}/slack/install?grant=`,
      "another Gantry's grant": `${api.url}/slack/install?grant=${signInstallGrant(otherGantry, now)}`,
      'a later expiry under the same signature': `${api.url}/slack/install?grant=${Number(expires) + 3600}.${mac}`,
      'an expired grant': `${api.url}/slack/install?grant=${signInstallGrant(box, now - 11 * 60_000)}`,
    };
    for (const [what, link] of Object.entries(links)) {
      const { response, cookie } = await startInstall(link);
      expect({ what, status: response.status }).toEqual({ what, status: 403 });
      expect(response.headers.get('location')).toBeNull();
      expect(cookie).toBe('');
      const page = await response.text();
      expect(page).toContain('Installing Gantry in Slack needs an admin');
      expect(page).toContain('ask a Gantry admin for an install link');
      expect(page).toContain('slackIntegration');
    }
    const { response } = await startInstall(links['an expired grant']);
    expect(await response.text()).toContain('has expired');

    const json = await fetch(links['no grant'], { headers: { accept: 'application/json' } });
    expect(json.status).toBe(403);
    expect(((await json.json()) as { error: string }).error).toMatch(
      /^This link carries no grant from a Gantry admin\. To install, ask a Gantry admin for an install link: the installUrl of the slackIntegration GraphQL query/,
    );

    // A grant minutes old still works.
    const recent = await startInstall(
      `${api.url}/slack/install?grant=${signInstallGrant(box, now - 9 * 60_000)}`,
    );
    expect(recent.response.status).toBe(302);
  });

  it('the callback exchanges the code, keeps the installation sealed, lists the workspace and says so', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await install(acme, ada);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('Gantry is installed in Slack');
    expect(page).toContain('Acme &lt;Platform&gt;');
    expect(page).not.toContain('Acme <Platform>');

    // The code went to SLACK_API_URL with the client credentials; the bot token was checked.
    expect(exchanges().at(-1)).toMatchObject({ status: 200, args: { client_id: CLIENT_ID } });
    expect(exchanges().at(-1)!.error).toBeUndefined();
    const token = [...slack.tokens.values()].find(
      (found) => found.team === acme && !found.revoked,
    )!;
    expect(token.scopes.sort()).toEqual([...SCOPES].sort());
    expect(slack.requests.at(-1)).toMatchObject({ method: 'auth.test', auth: 'bearer' });

    const [row, ...others] = await rows();
    expect(others).toEqual([]);
    expect(row!.teamId).toBe(acme.id);
    expect(row!.encryptedInstallation).not.toContain(token.token);
    expect(row!.encryptedInstallation).not.toContain('xoxb-');
    const opened = JSON.parse(box.open(row!.encryptedInstallation)) as {
      team: { id: string };
      bot: { token: string; userId: string; id: string; scopes: string[] };
    };
    expect(opened.team.id).toBe(acme.id);
    expect(opened.bot).toMatchObject({
      token: token.token,
      userId: token.user.id,
      id: token.botId,
    });

    const integration = (await api.graphql<{ slackIntegration: Integration }>(INTEGRATION)).data!
      .slackIntegration;
    expect(integration).toMatchObject({ configured: true, missingSettings: [] });
    const link = new URL(integration.installUrl);
    expect(`${link.origin}${link.pathname}`).toBe(`${api.url}/slack/install`);
    expect(link.searchParams.get('grant')).toMatch(/^\d+\.[\w-]+$/);
    expect(integration.workspaces).toHaveLength(1);
    const { installedAt, ...listed } = integration.workspaces[0]!;
    expect(listed).toEqual({
      teamId: acme.id,
      teamName: 'Acme <Platform>',
      enterpriseId: null,
      botUserId: token.user.id,
      installedBy: ada.id,
    });
    expect(installedAt).toBeGreaterThanOrEqual(before);
  });

  it('keeps one installation per workspace, replaced when installed again, with the enterprise ID', async () => {
    expect((await install(acme, ada)).status).toBe(200);
    expect((await install(globex, hank)).status).toBe(200);
    expect((await install(acme, ada)).status).toBe(200);
    const listed = await workspaces();
    expect(listed.map((workspace) => workspace.teamId).sort()).toEqual([acme.id, globex.id].sort());
    expect(listed.find((workspace) => workspace.teamId === globex.id)).toMatchObject({
      teamName: 'Globex',
      enterpriseId: 'E0GLOBEX1',
      installedBy: hank.id,
    });
    const [acmeRow] = (await rows()).filter((row) => row.teamId === acme.id);
    const latest = [...slack.tokens.values()].filter((found) => found.team === acme).at(-1)!;
    expect(
      (JSON.parse(box.open(acmeRow!.encryptedInstallation)) as { bot: { token: string } }).bot
        .token,
    ).toBe(latest.token);
  });

  it('refuses a state from another browser, a forged one and an expired one, and exchanges no code', async () => {
    const exchanged = exchanges().length;
    const { location } = await startInstall();
    const state = location.searchParams.get('state')!;
    const code = () =>
      slack.authorize({ clientId: CLIENT_ID, teamId: acme.id, userId: ada.id, scopes: SCOPES });
    const sign = (secret: string, now: Date) =>
      new SignJWT({
        installOptions: { scopes: SCOPES, redirectUri: `${api.url}/slack/oauth/callback` },
        now: now.toJSON(),
        random: 1,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .sign(new TextEncoder().encode(secret));
    const forged = await sign(randomBytes(32).toString('base64url'), new Date());
    const expired = await sign(oauthStateSecret(box), new Date(Date.now() - 11 * 60_000));

    const attempts = [
      { state, cookie: '' },
      { state, cookie: 'slack-app-oauth-state=another-browser' },
      { state: forged, cookie: `slack-app-oauth-state=${forged}` },
      { state: expired, cookie: `slack-app-oauth-state=${expired}` },
    ];
    for (const attempt of attempts) {
      const response = await callback({ code: code(), state: attempt.state }, attempt.cookie);
      expect(response.status).toBe(400);
      const page = await response.text();
      expect(page).toContain('Installing Gantry in Slack did not finish');
      expect(page).toContain('started in this browser in the last 10 minutes');
      expect(page).toContain('ask a Gantry admin for an install link');
    }
    expect(exchanges()).toHaveLength(exchanged);
    expect(await rows()).toEqual([]);

    // The same state, minutes younger, is accepted: the expired one was refused for its age.
    const fresh = await sign(oauthStateSecret(box), new Date(Date.now() - 60_000));
    const accepted = await callback(
      { code: code(), state: fresh },
      `slack-app-oauth-state=${fresh}`,
    );
    expect(accepted.status).toBe(200);
    expect(await rows()).toHaveLength(1);
  });

  it('shows why when Slack refuses the code or the person cancels, and stores nothing', async () => {
    const { location, cookie } = await startInstall();
    const state = location.searchParams.get('state')!;
    const refused = await callback({ code: 'not-a-code-slack-issued', state }, cookie);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(
      'exchanging the Slack code: Slack answered invalid_code',
    );
    expect(exchanges().at(-1)).toMatchObject({ status: 200, error: 'invalid_code' });

    const again = await startInstall();
    const cancelled = await callback(
      { error: 'access_denied', state: again.location.searchParams.get('state')! },
      again.cookie,
    );
    expect(cancelled.status).toBe(400);
    expect(await cancelled.text()).toContain('the installation was cancelled in Slack');
    expect(await rows()).toEqual([]);
  });

  it('waits out a rate-limited exchange and then installs', async () => {
    const exchanged = exchanges().length;
    slack.failNext(1, { status: 429, retryAfterSeconds: 1 });
    const response = await install(acme, ada);
    expect(response.status).toBe(200);
    expect(
      exchanges()
        .slice(exchanged)
        .map((request) => request.status),
    ).toEqual([429, 200]);
    expect((await workspaces()).map((workspace) => workspace.teamId)).toEqual([acme.id]);
  });

  it("answers the Events API's url_verification challenge", async () => {
    const challenge = randomBytes(16).toString('hex');
    const response = await event({ token: 'x', challenge, type: 'url_verification' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge });
  });

  it('removes the installation when the app is uninstalled', async () => {
    await install(acme, ada);
    await install(globex, hank);
    const response = await event(envelope(acme.id, { type: 'app_uninstalled' }));
    expect(response.status).toBe(200);
    expect((await workspaces()).map((workspace) => workspace.teamId)).toEqual([globex.id]);
  });

  it('removes the installation when its bot token is revoked, and not for user tokens', async () => {
    await install(acme, ada);
    const [row] = await rows();
    const users = await event(
      envelope(acme.id, { type: 'tokens_revoked', tokens: { oauth: [ada.id] } }),
    );
    expect(users.status).toBe(200);
    const otherBot = await event(
      envelope(acme.id, { type: 'tokens_revoked', tokens: { bot: ['U0SOMEONEELSE'] } }),
    );
    expect(otherBot.status).toBe(200);
    expect(await rows()).toHaveLength(1);

    const bot = await event(
      envelope(acme.id, {
        type: 'tokens_revoked',
        tokens: { oauth: [ada.id], bot: [row!.botUserId] },
      }),
    );
    expect(bot.status).toBe(200);
    expect(await rows()).toEqual([]);
  });

  it('acknowledges other events and does nothing', async () => {
    await install(acme, ada);
    const response = await event(
      envelope(acme.id, { type: 'app_home_opened', user: ada.id, channel: 'D0001' }),
    );
    expect(response.status).toBe(200);
    const limited = await event({
      type: 'app_rate_limited',
      team_id: acme.id,
      minute_rate_limited: 1,
    });
    expect(limited.status).toBe(200);
    expect(await rows()).toHaveLength(1);
  });

  it('refuses a bad signature, a missing one and a request older than 5 minutes, and changes nothing', async () => {
    await install(acme, ada);
    const uninstall = envelope(acme.id, { type: 'app_uninstalled' });
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify(uninstall);
    const refused = [
      await event(uninstall, { signature: slackSignature('not-the-secret', now, body) }),
      await event(uninstall, { signature: `v0=${'0'.repeat(64)}` }),
      await event(uninstall, { signature: 'v1=something' }),
      await event(uninstall, { signature: null }),
      // Signed correctly, but for another moment: a replay.
      await event(uninstall, { timestamp: now - 5 * 60 - 10 }),
      await event(uninstall, { timestamp: now + 5 * 60 + 10 }),
    ];
    for (const response of refused) {
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toMatch(/X-Slack/);
    }
    // A signature for another body.
    const tampered = await fetch(`${api.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': slackSignature(
          SIGNING_SECRET,
          now,
          JSON.stringify(envelope(globex.id, {})),
        ),
      },
      body,
    });
    expect(tampered.status).toBe(401);
    expect(await rows()).toHaveLength(1);
  });

  it('acts on a signed request once: the same request again is answered an empty 200 and changes nothing', async () => {
    await install(acme, ada);
    const timestamp = Math.floor(Date.now() / 1000);
    const uninstall = envelope(acme.id, { type: 'app_uninstalled' });
    const first = await event(uninstall, { timestamp });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('was removed');
    expect(await rows()).toEqual([]);

    await install(acme, ada);
    const again = await event(uninstall, { timestamp });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('');
    expect(await rows()).toHaveLength(1);
  });

  it('answers 413 for a body over the limit and 400 for a signed body that is not JSON', async () => {
    const huge = await event({ type: 'url_verification', challenge: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    const now = Math.floor(Date.now() / 1000);
    const malformed = await fetch(`${api.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': slackSignature(SIGNING_SECRET, now, '{"type":'),
      },
      body: '{"type":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toContain('the body is not JSON');
  });

  it('slackIntegrationDelete forgets a workspace', async () => {
    await install(acme, ada);
    await install(globex, hank);
    const deleted = await api.graphql<{ slackIntegrationDelete: Workspace }>(
      'mutation ($teamId: ID!) { slackIntegrationDelete(teamId: $teamId) { teamId teamName } }',
      { teamId: acme.id },
    );
    expect(deleted.data!.slackIntegrationDelete).toEqual({
      teamId: acme.id,
      teamName: 'Acme <Platform>',
    });
    expect((await workspaces()).map((workspace) => workspace.teamId)).toEqual([globex.id]);

    const again = await api.graphql(
      'mutation ($teamId: ID!) { slackIntegrationDelete(teamId: $teamId) { teamId } }',
      { teamId: acme.id },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('is for admins only', async () => {
    await install(acme, ada);
    const token = await api.userToken(['platform']);
    const listed = await api.graphql(INTEGRATION, {}, token);
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const deleted = await api.graphql(
      'mutation ($teamId: ID!) { slackIntegrationDelete(teamId: $teamId) { teamId } }',
      { teamId: acme.id },
      token,
    );
    expect(deleted.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await rows()).toHaveLength(1);
  });

  describe('without the Slack settings', () => {
    let bare: ApiServer;

    beforeAll(async () => {
      bare = await startApiServer(
        { database, box },
        { slack: { clientId: CLIENT_ID, apiUrl: slack.apiUrl, command: '/gantry' } },
      );
    });

    afterAll(async () => {
      await bare?.close();
    });

    it('answers every /slack route 503, naming the missing variables', async () => {
      const page = await fetch(`${bare.url}/slack/install`, { redirect: 'manual' });
      expect(page.status).toBe(503);
      const text = await page.text();
      expect(text).toContain('SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET');
      expect(text).not.toContain('SLACK_CLIENT_ID');

      const events = await sendAsSlack(`${bare.url}/slack/events`, {
        signingSecret: SIGNING_SECRET,
        body: { type: 'url_verification', challenge: 'c' },
      });
      expect(events.status).toBe(503);
      expect(((await events.json()) as { error: string }).error).toContain(
        'set SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET',
      );

      const integration = (await bare.graphql<{ slackIntegration: Integration }>(INTEGRATION)).data!
        .slackIntegration;
      expect(integration).toMatchObject({
        configured: false,
        missingSettings: ['SLACK_CLIENT_SECRET', 'SLACK_SIGNING_SECRET'],
      });
    });
  });
});
