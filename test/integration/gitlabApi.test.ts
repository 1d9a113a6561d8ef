import { execFileSync } from 'node:child_process';
import net from 'node:net';
import {
  authorizeUrl,
  exchangeOAuthCode,
  GitLabApi,
  GitLabError,
  MAX_BRANCHES_PER_PROJECT,
} from '../../src/gitlab/api';
import { createTestRepo } from '../support/gitRepo';
import { AccessLevel, type GitLabServer, startGitLabServer } from '../support/gitlabServer';
import { freePort } from '../support/ports';

const TOKEN = 'glpat-alice-0123456789';
const NEW_TOKEN = 'create a new personal access token with the read_api scope';

async function gitLabError(promise: Promise<unknown>): Promise<GitLabError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GitLabError) return error;
    throw error;
  }
  throw new Error('expected a GitLabError');
}

function daysAgo(days: number): string {
  return new Date(Date.UTC(2025, 0, 31) - days * 86_400_000).toISOString();
}

describe('GitLabApi against a GitLab-speaking server', () => {
  let gitlab: GitLabServer;
  let api: GitLabApi;

  beforeAll(async () => {
    gitlab = await startGitLabServer();
    gitlab.addUser({
      username: 'alice',
      name: 'Alice Liddell',
      token: TOKEN,
      scopes: ['read_api', 'read_user'],
      groups: ['acme', { fullPath: 'partners', accessLevel: AccessLevel.GUEST }],
    });
    gitlab.addUser({ username: 'bob', token: 'glpat-bob', groups: ['bobs-group'] });
    api = new GitLabApi({ host: gitlab.url, token: TOKEN });
  });
  afterAll(() => gitlab.close());
  beforeEach(() => {
    gitlab.requests.length = 0;
  });

  it("tells who the token belongs to, sending it as GitLab's PRIVATE-TOKEN", async () => {
    await expect(api.currentUser()).resolves.toEqual({
      id: expect.any(Number) as number,
      username: 'alice',
      name: 'Alice Liddell',
      avatarUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/uploads\//) as string,
    });
    expect(gitlab.requests).toEqual([
      { method: 'GET', path: '/api/v4/user', query: {}, auth: 'private-token', status: 200 },
    ]);

    // GitLab takes a personal access token as a Bearer token too.
    const asBearer = new GitLabApi({ host: gitlab.url, token: TOKEN, kind: 'oauth' });
    await expect(asBearer.currentUser()).resolves.toMatchObject({ username: 'alice' });
    expect(gitlab.requests[1]).toMatchObject({ auth: 'bearer', status: 200 });
  });

  it("lists every group of the token's user, inherited subgroups included, across pages", async () => {
    for (let i = 0; i < 120; i++) gitlab.addGroup({ fullPath: `acme/team-${i}` });
    gitlab.addGroup({ fullPath: 'acme/platform/networking', name: 'Networking' });
    gitlab.addGroup({ fullPath: 'strangers', visibility: 'public' });

    const groups = await api.groups();

    const paths = groups.map((group) => group.fullPath);
    expect(paths).toHaveLength(1 + 120 + 2 + 1);
    expect(paths).toEqual(
      expect.arrayContaining(['acme', 'acme/team-0', 'acme/team-119', 'partners']),
    );
    expect(paths).not.toContain('strangers');
    expect(paths).not.toContain('bobs-group');
    expect(groups).toContainEqual({
      id: expect.any(Number) as number,
      name: 'Networking',
      fullPath: 'acme/platform/networking',
    });
    expect(gitlab.requests.map(({ path, query }) => ({ path, query }))).toEqual([
      { path: '/api/v4/groups', query: { min_access_level: '10', per_page: '100' } },
      {
        path: '/api/v4/groups',
        query: { min_access_level: '10', per_page: '100', page: '2' },
      },
    ]);
  });

  it('reads the scopes of a personal access token', async () => {
    await expect(api.tokenScopes()).resolves.toEqual(['read_api', 'read_user']);
    // GitLab answers this for a token of any scope, so a token can always be diagnosed.
    gitlab.addToken({ username: 'alice', token: 'glpat-registry-only', scopes: ['read_registry'] });
    const registryOnly = new GitLabApi({ host: gitlab.url, token: 'glpat-registry-only' });
    await expect(registryOnly.tokenScopes()).resolves.toEqual(['read_registry']);
  });

  it('lists member projects with their most recently committed branches, newest first', async () => {
    const many = Array.from({ length: 25 }, (_, i) => ({
      name: `feature-${i}`,
      committedAt: daysAgo(i * 3),
    }));
    gitlab.addProject({
      pathWithNamespace: 'acme/platform/infra',
      // Given in no particular order: GitLab sorts them.
      branches: [
        ...many.slice(10),
        { name: 'main', committedAt: daysAgo(1) },
        ...many.slice(0, 10),
      ],
      defaultBranch: 'main',
    });
    gitlab.addProject({
      pathWithNamespace: 'alice/sandbox',
      branches: [
        { name: 'old', committedAt: daysAgo(30) },
        { name: 'main', committedAt: daysAgo(2) },
      ],
    });
    gitlab.addProject({
      pathWithNamespace: 'bobs-group/secret',
      branches: [{ name: 'main', committedAt: daysAgo(1) }],
    });
    gitlab.addProject({
      pathWithNamespace: 'elsewhere/shared',
      branches: [{ name: 'main', committedAt: daysAgo(1) }],
      members: ['alice'],
    });
    // Guests of a private project see it but not its code.
    gitlab.addProject({
      pathWithNamespace: 'partners/contracts',
      branches: [{ name: 'main', committedAt: daysAgo(1) }],
    });

    const projects = await api.projects();

    const byPath = Object.fromEntries(projects.map((p) => [p.pathWithNamespace, p.branches]));
    expect(Object.keys(byPath).sort()).toEqual([
      'acme/platform/infra',
      'alice/sandbox',
      'elsewhere/shared',
      'partners/contracts',
    ]);
    expect(byPath['acme/platform/infra']).toEqual([
      'feature-0',
      'main',
      ...many.slice(1, MAX_BRANCHES_PER_PROJECT - 1).map((branch) => branch.name),
    ]);
    expect(byPath['alice/sandbox']).toEqual(['main', 'old']);
    expect(byPath['elsewhere/shared']).toEqual(['main']);
    expect(byPath['partners/contracts']).toEqual([]);

    // One request for the projects, then one per project.
    expect(gitlab.requests).toHaveLength(1 + 4);
    expect(gitlab.requests[0]).toMatchObject({
      path: '/api/v4/projects',
      query: { membership: 'true', simple: 'true', per_page: '100' },
    });
    expect(gitlab.requests.slice(1).map((request) => request.query)).toEqual(
      Array(4).fill({ sort: 'updated_desc', per_page: '20', page: '1' }),
    );
  });

  it('reads a tag with whether it is protected, as a Reporter may, and a merge request', async () => {
    const repo = await createTestRepo();
    try {
      const first = await repo.commit({ 'main.tf': 'one' }, 'First');
      const feature = await repo.commit({ 'main.tf': 'two' }, 'Feature', 'feature');
      execFileSync('git', ['tag', '-a', 'v1.0', '-m', 'Release 1.0', first], { cwd: repo.dir });
      gitlab.addUser({ username: 'carol', token: 'glpat-carol' });
      gitlab.addProject({
        pathWithNamespace: 'acme/tagged',
        repositoryDir: repo.dir,
        members: [
          { username: 'alice', accessLevel: AccessLevel.MAINTAINER },
          { username: 'bob', accessLevel: AccessLevel.REPORTER },
          { username: 'carol', accessLevel: AccessLevel.GUEST },
        ],
      });
      const tag = await api.tag('acme/tagged', 'v1.0');
      expect(tag).toMatchObject({
        name: 'v1.0',
        commit: { id: first, title: 'First' },
        protected: false,
      });
      await expect(gitLabError(api.tag('acme/tagged', 'v1.0^{}'))).resolves.toMatchObject({
        status: 404,
      });

      // The tag's own answer says whether a protected tag covers it, to a Reporter too: no
      // listing of the protected tags, which GitLab shows only to Maintainers.
      gitlab.protectTag({ project: 'acme/tagged', name: 'v*' });
      const reporter = new GitLabApi({ host: gitlab.url, token: 'glpat-bob' });
      await expect(reporter.tag('acme/tagged', 'v1.0')).resolves.toMatchObject({
        commit: { id: first },
        protected: true,
      });
      expect(gitlab.requests.at(-1)).toMatchObject({
        path: '/api/v4/projects/acme%2Ftagged/repository/tags/v1.0',
        status: 200,
      });
      // A Guest of a private project may not read its code, tags included.
      const guest = new GitLabApi({ host: gitlab.url, token: 'glpat-carol' });
      const error = await gitLabError(guest.tag('acme/tagged', 'v1.0'));
      expect(error).toMatchObject({ kind: 'forbidden', status: 403 });
      expect(error.message).toBe(
        'reading tag "v1.0" of acme/tagged on GitLab: GitLab answered 403 (403 Forbidden); ask a GitLab owner for access',
      );

      const mergeRequest = gitlab.addMergeRequest({
        project: 'acme/tagged',
        sourceBranch: 'feature',
        author: 'bob',
      });
      await expect(api.mergeRequest('acme/tagged', mergeRequest.iid)).resolves.toEqual({
        iid: mergeRequest.iid,
        state: 'opened',
        sha: feature,
      });
    } finally {
      await repo.remove();
    }
  });

  it('signs a person in through GitLab OAuth and uses the token as a Bearer token', async () => {
    gitlab.addOAuthApp({
      clientId: 'gantry-app',
      clientSecret: 'gantry-secret',
      redirectUri: 'http://gantry.test/auth/gitlab/callback',
      scopes: ['read_api', 'read_user'],
    });
    gitlab.signIn('alice');
    const url = authorizeUrl({
      host: gitlab.url,
      clientId: 'gantry-app',
      redirectUri: 'http://gantry.test/auth/gitlab/callback',
      state: 'xyz',
      scopes: ['read_api', 'read_user'],
    });
    expect(url).toBe(
      `${gitlab.url}/oauth/authorize?client_id=gantry-app&redirect_uri=http%3A%2F%2Fgantry.test%2Fauth%2Fgitlab%2Fcallback&response_type=code&state=xyz&scope=read_api+read_user`,
    );

    const authorized = await fetch(url, { redirect: 'manual' });
    expect(authorized.status).toBe(302);
    const callback = new URL(authorized.headers.get('location') ?? '');
    expect(callback.origin + callback.pathname).toBe('http://gantry.test/auth/gitlab/callback');
    expect(callback.searchParams.get('state')).toBe('xyz');
    const code = callback.searchParams.get('code') ?? '';

    const exchange = {
      host: gitlab.url,
      clientId: 'gantry-app',
      clientSecret: 'gantry-secret',
      code,
      redirectUri: 'http://gantry.test/auth/gitlab/callback',
    };
    const accessToken = await exchangeOAuthCode(exchange);
    const asAlice = new GitLabApi({ host: gitlab.url, token: accessToken, kind: 'oauth' });
    await expect(asAlice.currentUser()).resolves.toMatchObject({ username: 'alice' });
    expect(gitlab.requests.at(-1)).toMatchObject({ path: '/api/v4/user', auth: 'bearer' });

    // A code works once.
    const reused = await gitLabError(exchangeOAuthCode(exchange));
    expect(reused.kind).toBe('unauthorized');
    expect(reused.message).toBe(
      `exchanging the GitLab sign-in code at ${gitlab.url} for a token: GitLab does not accept the code (expired, already used or for another redirect URI); sign in again`,
    );

    // GitLab reads OAuth tokens only from the Authorization header.
    const asPersonal = new GitLabApi({ host: gitlab.url, token: accessToken });
    expect((await gitLabError(asPersonal.currentUser())).kind).toBe('unauthorized');
  });

  it('says when the OAuth code or the application credentials are wrong', async () => {
    gitlab.addOAuthApp({
      clientId: 'other-app',
      clientSecret: 'other-secret',
      redirectUri: 'http://gantry.test/cb',
    });
    const exchange = {
      host: gitlab.url,
      clientId: 'other-app',
      clientSecret: 'other-secret',
      code: 'not-a-code',
      redirectUri: 'http://gantry.test/cb',
    };
    const badCode = await gitLabError(exchangeOAuthCode(exchange));
    expect(badCode).toMatchObject({ kind: 'unauthorized', status: 400 });
    expect(badCode.message).toMatch(/GitLab does not accept the code/);

    const code = gitlab.issueOAuthCode({
      clientId: 'other-app',
      username: 'alice',
      scopes: ['read_api'],
    });
    const badSecret = await gitLabError(
      exchangeOAuthCode({ ...exchange, code, clientSecret: 'wrong' }),
    );
    expect(badSecret).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(badSecret.message).toBe(
      `exchanging the GitLab sign-in code at ${gitlab.url} for a token: GitLab does not accept the OAuth application's id and secret; check the GitLab integration's application settings`,
    );
    expect(badSecret.message).not.toContain('wrong');

    const wrongRedirect = await gitLabError(
      exchangeOAuthCode({ ...exchange, code, redirectUri: 'http://evil.test/cb' }),
    );
    expect(wrongRedirect.kind).toBe('unauthorized');
  });

  it('calls an invalid or revoked token unauthorized, without repeating it', async () => {
    const bad = new GitLabApi({ host: gitlab.url, token: 'glpat-nonsense' });
    const error = await gitLabError(bad.currentUser());
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(error.message).toBe(
      `asking GitLab at ${gitlab.url} who the token belongs to: the token is invalid, expired or revoked; ${NEW_TOKEN}`,
    );
    expect(error.message).not.toContain('glpat-nonsense');

    gitlab.addToken({ username: 'bob', token: 'glpat-bob-old' });
    gitlab.revokeToken('glpat-bob-old');
    const revoked = new GitLabApi({ host: gitlab.url, token: 'glpat-bob-old' });
    await expect(gitLabError(revoked.groups())).resolves.toMatchObject({ kind: 'unauthorized' });

    gitlab.addToken({ username: 'bob', token: 'glpat-bob-expired', expiresAt: '2020-01-01' });
    const expired = new GitLabApi({ host: gitlab.url, token: 'glpat-bob-expired' });
    await expect(gitLabError(expired.projects())).resolves.toMatchObject({ kind: 'unauthorized' });
  });

  it('calls a token without the scope a call needs forbidden', async () => {
    gitlab.addToken({ username: 'alice', token: 'glpat-user-only', scopes: ['read_user'] });
    const userOnly = new GitLabApi({ host: gitlab.url, token: 'glpat-user-only' });
    await expect(userOnly.currentUser()).resolves.toMatchObject({ username: 'alice' });

    const error = await gitLabError(userOnly.groups());
    expect(error).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(error.message).toBe(
      `listing the GitLab groups of the token's user at ${gitlab.url}: the token lacks the scope this needs; create a personal access token with the read_api scope`,
    );
  });

  it('calls a closed port unreachable, naming the host', async () => {
    const host = `http://127.0.0.1:${await freePort()}`;
    const error = await gitLabError(new GitLabApi({ host, token: TOKEN }).currentUser());
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(
      `asking GitLab at ${host} who the token belongs to: GitLab did not answer (ECONNREFUSED); check the GitLab URL and that GitLab is up`,
    );

    const exchange = await gitLabError(
      exchangeOAuthCode({ host, clientId: 'a', clientSecret: 'b', code: 'c', redirectUri: 'd' }),
    );
    expect(exchange.kind).toBe('unreachable');
  });

  it('gives up on a GitLab that accepts connections but never answers', async () => {
    const connections = new Set<net.Socket>();
    const silent = net.createServer((socket) => connections.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const host = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const error = await gitLabError(
        new GitLabApi({ host, token: TOKEN, timeoutMs: 300 }).groups(),
      );
      expect(error.kind).toBe('unreachable');
      expect(error.message).toBe(
        `listing the GitLab groups of the token's user at ${host}: GitLab did not answer within 0.3 s; check the GitLab URL and that GitLab is up`,
      );
    } finally {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('reports a 500 without retrying, and works again once GitLab recovers', async () => {
    gitlab.failNext(1, { status: 500 });
    const error = await gitLabError(api.currentUser());
    expect(error).toMatchObject({ kind: 'other', status: 500 });
    expect(error.message).toBe(
      `asking GitLab at ${gitlab.url} who the token belongs to: GitLab answered 500 (500 Internal Server Error); try again later`,
    );
    expect(gitlab.requests).toHaveLength(1);

    await expect(api.currentUser()).resolves.toMatchObject({ username: 'alice' });
  });

  it('rides out a short rate limit through gitbeaker, and reports a long one', async () => {
    gitlab.failNext(2, { status: 429, retryAfterSeconds: 1 });
    await expect(api.currentUser()).resolves.toMatchObject({ username: 'alice' });
    expect(gitlab.requests.map((request) => request.status)).toEqual([429, 429, 200]);

    gitlab.failNext(10, { status: 429 });
    const error = await gitLabError(api.currentUser());
    expect(error).toMatchObject({ kind: 'other', status: 429 });
    expect(error.message).toBe(
      `asking GitLab at ${gitlab.url} who the token belongs to: GitLab kept answering 429 after 10 attempts; try again later`,
    );
  });
});
