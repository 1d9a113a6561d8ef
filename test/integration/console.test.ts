import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/platform/secrets';
import { startApiServer, type ApiServer } from '../support/api';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { startGitLabServer, type GitLabServer } from '../support/gitlabServer';
import { CookieBrowser as Browser } from '../support/cookieBrowser';

describe("the web console's sessions", () => {
  let database: TestDatabase;
  let box: SecretBox;
  let api: ApiServer;

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    box = new SecretBox(randomBytes(32));
    api = await startApiServer({ database, box });
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  const apiKey = async (name: string, teams: string[] = []) => {
    const created = await api.graphql<{ apiKeyCreate: { id: string; secret: string } }>(
      `mutation ($input: ApiKeyInput!) { apiKeyCreate(input: $input) { id secret } }`,
      { input: { name, admin: false, teams } },
    );
    return created.data!.apiKeyCreate;
  };

  it('signs in with an API key into an HttpOnly cookie, which GraphQL takes with its CSRF header only', async () => {
    const key = await apiKey('console reader', ['platform']);
    const browser = new Browser(api.url);
    expect((await browser.fetch('/console/session')).status).toBe(401);

    const signedIn = await browser.signIn({ method: 'apiKey', id: key.id, secret: key.secret });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({
      viewer: { id: `api-key/${key.id}`, name: 'console reader', admin: false, avatarURL: '' },
    });
    const [session, csrf] = signedIn.headers.getSetCookie();
    expect(session).toMatch(
      /^gantry_session=[^;]+; Max-Age=28800; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(csrf).toMatch(/^gantry_csrf=[^;]+; Max-Age=28800; Path=\/; SameSite=Lax$/);

    const me = await browser.graphql('{ viewer { id } }');
    expect(me.data).toEqual({ viewer: { id: `api-key/${key.id}` } });
    const session2 = await browser.fetch('/console/session');
    expect(await session2.json()).toMatchObject({ viewer: { id: `api-key/${key.id}` } });

    // Another site's page can send the cookie but cannot read or set the header.
    for (const csrf of [null, '', 'guessed']) {
      const refused = await browser.graphql('{ viewer { id } }', { csrf });
      expect(refused.status).toBe(401);
      expect(refused.errors?.[0]?.message).toContain('x-gantry-csrf');
    }
    // The session's cookie is no bearer token.
    const bearer = await api.graphql(
      '{ viewer { id } }',
      {},
      browser.cookies.get('gantry_session'),
    );
    expect(bearer.status).toBe(401);
  });

  it('refuses a wrong secret or admin token, saying what to use', async () => {
    const key = await apiKey('wrong secret');
    const browser = new Browser(api.url);
    const wrong = await browser.signIn({ method: 'apiKey', id: key.id, secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe(
      'no API key has this id and secret; check both, or create a new key',
    );
    const admin = await browser.signIn({ method: 'adminToken', token: 'not-the-admin-token' });
    expect(admin.status).toBe(401);
    expect(((await admin.json()) as { error: string }).error).toContain('GANTRY_ADMIN_TOKEN');
    const unsaid = await browser.signIn({ method: 'password' });
    expect(unsaid.status).toBe(400);
    expect(browser.cookies.size).toBe(0);
  });

  it("ends an API key's sessions when the key is deleted", async () => {
    const key = await apiKey('soon deleted');
    const browser = new Browser(api.url);
    await browser.signIn({ method: 'apiKey', id: key.id, secret: key.secret });
    expect((await browser.graphql('{ viewer { id } }')).status).toBe(200);
    await api.graphql(`mutation ($id: ID!) { apiKeyDelete(id: $id) { id } }`, { id: key.id });
    const ended = await browser.graphql('{ viewer { id } }');
    expect(ended.status).toBe(401);
    expect(ended.errors?.[0]?.message).toContain('was deleted');
    expect((await browser.fetch('/console/session')).status).toBe(401);
  });

  it('signs the admin in with the admin token, until that token changes', async () => {
    const browser = new Browser(api.url);
    const signedIn = await browser.signIn({ method: 'adminToken', token: api.adminToken });
    expect(await signedIn.json()).toEqual({
      viewer: { id: 'admin', name: 'Admin', admin: true, avatarURL: '' },
    });
    const keys = await browser.graphql('{ apiKeys { id } }');
    expect(keys.errors).toBeUndefined();

    // The same database and key, served with another admin token.
    const rotated = await startApiServer({ database, box });
    try {
      const elsewhere = new Browser(rotated.url);
      for (const [name, value] of browser.cookies) elsewhere.cookies.set(name, value);
      const refused = await elsewhere.graphql('{ apiKeys { id } }');
      expect(refused.status).toBe(401);
      expect(refused.errors?.[0]?.message).toBe(
        'the admin token this session was signed in with has changed; sign in again',
      );
    } finally {
      await rotated.close();
    }
  });

  it('signs out with the CSRF header, clearing both cookies', async () => {
    const key = await apiKey('signing out');
    const browser = new Browser(api.url);
    await browser.signIn({ method: 'apiKey', id: key.id, secret: key.secret });
    const forged = await browser.fetch('/console/session', { method: 'DELETE' });
    expect(forged.status).toBe(403);
    expect(browser.cookies.has('gantry_session')).toBe(true);
    const out = await browser.fetch('/console/session', {
      method: 'DELETE',
      headers: { 'x-gantry-csrf': browser.cookies.get('gantry_csrf')! },
    });
    expect(out.status).toBe(204);
    expect(browser.cookies.size).toBe(0);
    expect((await browser.graphql('{ viewer { id } }')).data).toEqual({ viewer: null });
  });

  describe('with GitLab', () => {
    let gitlab: GitLabServer;

    beforeAll(async () => {
      gitlab = await startGitLabServer();
      gitlab.addUser({ username: 'gantry', token: 'glpat-gantry' });
      gitlab.addUser({ username: 'ada', name: 'Ada Lovelace', groups: ['payments-team'] });
    });

    afterAll(async () => {
      await gitlab?.close();
    });

    it('offers GitLab only once an OAuth application is configured, and says why not', async () => {
      const browser = new Browser(api.url);
      const config = await browser.fetch('/console/config');
      expect(await config.json()).toEqual({ gitlabSignIn: false, temporalUiUrl: null });
      const start = await browser.fetch('/console/signin/gitlab?next=/stack/x');
      expect(start.status).toBe(302);
      const back = new URL(start.headers.get('location')!, api.url);
      expect(back.pathname).toBe('/signin');
      expect(back.searchParams.get('next')).toBe('/stack/x');
      expect(back.searchParams.get('error')).toContain('needs a GitLab integration');
    });

    it("signs a person in through GitLab's OAuth flow and takes them back where they were", async () => {
      gitlab.addOAuthApp({
        clientId: 'console-app',
        clientSecret: 'console-secret',
        redirectUri: `${api.url}/oauth/gitlab/callback`,
      });
      const setup = await api.graphql(
        `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "glpat-gantry", oauthClientId: "console-app", oauthClientSecret: "console-secret") { oauthEnabled } }`,
        { host: gitlab.url },
      );
      expect(setup.errors).toBeUndefined();
      const browser = new Browser(api.url);
      expect(await (await browser.fetch('/console/config')).json()).toMatchObject({
        gitlabSignIn: true,
      });

      const start = await browser.fetch('/console/signin/gitlab?next=/stack/x/run/y');
      const providerUrl = start.headers.get('location')!;
      expect(providerUrl.startsWith(`${gitlab.url}/oauth/authorize?`)).toBe(true);
      gitlab.signIn('ada');
      const authorized = await fetch(providerUrl, { redirect: 'manual' });
      const callback = new URL(authorized.headers.get('location')!);

      const finished = await browser.fetch(`${callback.pathname}${callback.search}`);
      expect(finished.status).toBe(302);
      expect(finished.headers.get('location')).toBe('/stack/x/run/y');
      expect(browser.cookies.has('gantry_gitlab_sign_in')).toBe(false);
      const me = await browser.graphql('{ viewer { id name } }');
      expect(me.data).toEqual({ viewer: { id: 'ada', name: 'Ada Lovelace' } });

      // A code offered without the sign-in this browser started is not a session.
      const stranger = new Browser(api.url);
      const page = await stranger.fetch(`${callback.pathname}${callback.search}`);
      expect(page.status).toBe(200);
      expect(stranger.cookies.has('gantry_session')).toBe(false);
    });

    it('goes back only to a path of its own site', async () => {
      for (const next of ['//evil.example/x', '/\\evil.example', 'https://evil.example/']) {
        const browser = new Browser(api.url);
        const start = await browser.fetch(
          `/console/signin/gitlab?next=${encodeURIComponent(next)}`,
        );
        const providerUrl = start.headers.get('location')!;
        gitlab.signIn('ada');
        const authorized = await fetch(providerUrl, { redirect: 'manual' });
        const callback = new URL(authorized.headers.get('location')!);
        const finished = await browser.fetch(`${callback.pathname}${callback.search}`);
        expect(finished.headers.get('location')).toBe('/');
      }
    });
  });
});
