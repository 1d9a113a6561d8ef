import { createHmac, randomBytes } from 'node:crypto';
import { asc } from 'drizzle-orm';
import { secretMatches } from '../auth/tokens';
import { type Viewer } from '../auth/viewer';
import type { Database } from '../db';
import { sha256Hex, type SecretBox } from '../platform/secrets';
import { authorizeUrl, exchangeOAuthCode, GitLabApi, GitLabError } from './api';
import { gitlabTokenOf, recordGitLabLogin } from '../auth/apiKeys';
import * as tables from './tables';
import type { GitLabIntegrationRow } from './tables';
import { AuthenticationError, ConflictError, InvalidInputError } from '../platform/errors';

/** The integration as admins see it. */
export interface GitLabSettings {
  apiHost: string;
  webhookUrl: string;
  webhookSecret: string;
  oauthEnabled: boolean;
  /** The projects whose hooks have their own secret; the secrets are never shown again. */
  projectHooks: GitLabProjectHook[];
}

/** A project hook's own webhook secret; `secret` only in the answer that made it. */
export interface GitLabProjectHook {
  project: string;
  secret: string | null;
  /** Unix seconds. */
  createdAt: number;
}

// GitLab's project paths: namespaces and the project, of letters, digits, `_`, `-` and `.`.
const PROJECT_PATH = /^[\w.-]+(\/[\w.-]+)+$/;

// Webhooks, commit statuses, comments and deployments need the full api scope.
const REQUIRED_SCOPE = 'api';
// What signing in asks of a person: who they are and which groups they are in.
const SIGN_IN_SCOPES = ['read_api'];
const SIGN_IN_LIFETIME_MS = 10 * 60 * 1000;

/**
 * The one GitLab server an installation is connected to: its settings (the token sealed), and
 * what the API asks of it — who a token belongs to and their groups (the teams stacks name),
 * the projects to choose from, and signing in with GitLab's OAuth authorization-code flow.
 */
export class GitLabIntegrationService {
  constructor(
    private readonly deps: {
      db: Database;
      box: SecretBox;
      publicUrl: string;
    },
  ) {}

  /** Where GitLab sends a person back to after signing in. */
  get redirectUri(): string {
    return `${this.deps.publicUrl}/oauth/gitlab/callback`;
  }

  async settings(): Promise<GitLabSettings | undefined> {
    const row = await this.row();
    return row && this.present(row);
  }

  /** Checks the token against the server and stores the settings; the webhook secret stays. */
  async setup(input: {
    apiHost: string;
    token: string;
    oauthClientId: string | null;
    oauthClientSecret: string | null;
  }): Promise<GitLabSettings> {
    const apiHost = input.apiHost.trim().replace(/\/+$/, '');
    if (!/^https?:\/\/[^\s/]+/.test(apiHost)) {
      throw new InvalidInputError(
        `apiHost "${input.apiHost}" must be the GitLab server's URL, such as https://gitlab.example.com`,
      );
    }
    if (Boolean(input.oauthClientId) !== Boolean(input.oauthClientSecret)) {
      throw new InvalidInputError(
        'an OAuth application needs both oauthClientId and oauthClientSecret (or neither)',
      );
    }
    const api = new GitLabApi({ host: apiHost, token: input.token });
    let scopes: string[];
    try {
      await api.currentUser();
      scopes = await api.tokenScopes();
    } catch (error) {
      if (error instanceof GitLabError && error.kind !== 'unreachable') {
        throw new InvalidInputError(error.message);
      }
      throw error;
    }
    if (!scopes.includes(REQUIRED_SCOPE)) {
      throw new InvalidInputError(
        `the token's scopes are ${scopes.join(', ') || 'none'}; Gantry needs the "${REQUIRED_SCOPE}" scope to set webhooks, statuses, comments and deployments`,
      );
    }
    const box = this.deps.box;
    const existing = await this.row();
    const values = {
      id: 1,
      apiHost,
      encryptedToken: box.seal(input.token),
      encryptedWebhookSecret:
        existing?.encryptedWebhookSecret ?? box.seal(randomBytes(24).toString('base64url')),
      oauthClientId: input.oauthClientId,
      encryptedOauthClientSecret: input.oauthClientSecret
        ? box.seal(input.oauthClientSecret)
        : null,
      updatedAt: new Date(),
    };
    const [row] = await this.deps.db
      .insert(tables.gitlabIntegration)
      .values(values)
      .onConflictDoUpdate({ target: tables.gitlabIntegration.id, set: values })
      .returning();
    return this.present(row!);
  }

  async remove(): Promise<GitLabSettings | undefined> {
    const [row] = await this.deps.db.delete(tables.gitlabIntegration).returning();
    return row && this.present(row);
  }

  /**
   * A new webhook secret for one project's hook, replacing its last one or, the first time,
   * gitlabIntegration's shared secret for that project. Only its hash is kept.
   */
  async rotateWebhookSecret(project: string): Promise<GitLabProjectHook> {
    const path = project.trim().toLowerCase();
    if (!PROJECT_PATH.test(path)) {
      throw new InvalidInputError(
        `project "${project}" must be a GitLab project's path, as stacks name it in repository, such as group/app`,
      );
    }
    const secret = randomBytes(24).toString('base64url');
    const values = { project: path, secretHash: webhookSecretHash(secret), createdAt: new Date() };
    const [row] = await this.deps.db
      .insert(tables.gitlabProjectHooks)
      .values(values)
      .onConflictDoUpdate({ target: tables.gitlabProjectHooks.project, set: values })
      .returning();
    return { ...hookOf(row!), secret };
  }

  /** The projects whose hooks have their own secret, without the secrets. */
  async projectHooks(): Promise<GitLabProjectHook[]> {
    const rows = await this.deps.db
      .select()
      .from(tables.gitlabProjectHooks)
      .orderBy(asc(tables.gitlabProjectHooks.project));
    return rows.map(hookOf);
  }

  /**
   * The Gantry user a GitLab token (personal or OAuth) belongs to, with their groups as teams.
   * The token is kept sealed so that oauthRefresh can ask again.
   */
  async userFromToken(token: string): Promise<Viewer> {
    const row = await this.requireRow('logging in with a GitLab token');
    // GitLab takes personal and OAuth access tokens alike as a Bearer token.
    const api = new GitLabApi({ host: row.apiHost, token, kind: 'oauth' });
    try {
      const [user, groups] = await Promise.all([api.currentUser(), api.groups()]);
      const viewer: Viewer = {
        id: user.username,
        name: user.name,
        admin: false,
        teams: groups.map((group) => group.fullPath),
        avatarURL: user.avatarUrl,
      };
      const encryptedGitlabToken = this.deps.box.seal(token);
      await recordGitLabLogin(this.deps.db, viewer.id, encryptedGitlabToken);
      return viewer;
    } catch (error) {
      if (error instanceof GitLabError && error.kind === 'unauthorized') {
        throw new AuthenticationError(
          'GitLab does not accept this token (invalid, expired or revoked); create a new one with the read_api scope',
        );
      }
      throw error;
    }
  }

  /** The viewer as GitLab sees them now, asked with the token they last logged in with. */
  async refreshUser(viewer: Viewer): Promise<Viewer> {
    const sealedToken = await gitlabTokenOf(this.deps.db, viewer.id);
    if (!sealedToken) {
      throw new ConflictError(
        `"${viewer.id}" did not log in with a GitLab token, so there is nothing to refresh; log in with oauthUser`,
      );
    }
    return this.userFromToken(this.deps.box.open(sealedToken));
  }

  /** The groups the integration's token is a member of, as teams; none without GitLab. */
  async teams() {
    const api = await this.api();
    if (!api) return [];
    return (await api.groups()).map((group) => ({
      id: String(group.id),
      name: group.name,
      slug: group.fullPath,
    }));
  }

  async repositories() {
    const api = await this.api();
    if (!api) return [];
    return (await api.projects()).map((project) => ({
      id: project.pathWithNamespace,
      branches: project.branches,
    }));
  }

  /**
   * Starts signing in with GitLab. The state GitLab hands back must match the temporary token,
   * which the browser keeps: a signed expiry and the state, so no server keeps anything.
   */
  async oauthRedirect(): Promise<{ providerUrl: string; temporaryToken: string }> {
    const row = await this.requireOAuth();
    const state = randomBytes(16).toString('base64url');
    const expires = String(Date.now() + SIGN_IN_LIFETIME_MS);
    return {
      providerUrl: authorizeUrl({
        host: row.apiHost,
        clientId: row.oauthClientId!,
        redirectUri: this.redirectUri,
        state,
        scopes: SIGN_IN_SCOPES,
      }),
      temporaryToken: `${expires}.${this.signState(state, expires)}`,
    };
  }

  /** Finishes signing in: the code GitLab returned becomes a GitLab token for oauthUser. */
  async oauthToken(input: { code: string; state: string; temporaryToken: string }) {
    const row = await this.requireOAuth();
    const [expires = '', signature = ''] = input.temporaryToken.split('.');
    if (
      !/^\d+$/.test(expires) ||
      Number(expires) < Date.now() ||
      !secretMatches(signature, this.signState(input.state, expires))
    ) {
      throw new InvalidInputError(
        'the sign-in has expired or the state does not match its temporary token; start again with oauthRedirect',
      );
    }
    try {
      return await exchangeOAuthCode({
        host: row.apiHost,
        clientId: row.oauthClientId!,
        clientSecret: this.deps.box.open(row.encryptedOauthClientSecret!),
        code: input.code,
        redirectUri: this.redirectUri,
      });
    } catch (error) {
      if (error instanceof GitLabError && error.kind === 'unauthorized') {
        throw new AuthenticationError(error.message);
      }
      throw error;
    }
  }

  private signState(state: string, expires: string): string {
    return createHmac('sha256', this.deps.box.deriveKey('gitlab sign-in'))
      .update(`${state}.${expires}`)
      .digest('base64url');
  }

  /** A client with the integration's token; undefined while GitLab is not set up. */
  async api(): Promise<GitLabApi | undefined> {
    const row = await this.row();
    if (!row) return undefined;
    return new GitLabApi({ host: row.apiHost, token: this.deps.box.open(row.encryptedToken) });
  }

  private async row(): Promise<GitLabIntegrationRow | undefined> {
    const [row] = await this.deps.db.select().from(tables.gitlabIntegration);
    return row;
  }

  private async requireRow(action: string): Promise<GitLabIntegrationRow> {
    const row = await this.row();
    if (!row) {
      throw new ConflictError(
        `${action} needs a GitLab integration; an admin sets one up with gitlabIntegrationSetup`,
      );
    }
    return row;
  }

  private async requireOAuth(): Promise<GitLabIntegrationRow> {
    const row = await this.requireRow('signing in with GitLab');
    if (!row.oauthClientId || !row.encryptedOauthClientSecret) {
      throw new ConflictError(
        'signing in with GitLab needs an OAuth application: an admin creates one in GitLab ' +
          `(redirect URI ${this.redirectUri}, scope read_api) and passes its id and secret to gitlabIntegrationSetup`,
      );
    }
    return row;
  }

  private async present(row: GitLabIntegrationRow): Promise<GitLabSettings> {
    return {
      apiHost: row.apiHost,
      webhookUrl: `${this.deps.publicUrl}/webhooks/gitlab`,
      webhookSecret: this.deps.box.open(row.encryptedWebhookSecret),
      oauthEnabled: Boolean(row.oauthClientId),
      projectHooks: await this.projectHooks(),
    };
  }
}

/**
 * What is kept of a project hook's secret. The secret is random, so a plain SHA-256 is safe to
 * keep, and a delivery's token is found by the hash of it.
 */
export function webhookSecretHash(secret: string): string {
  return sha256Hex(secret);
}

function hookOf(row: typeof tables.gitlabProjectHooks.$inferSelect): GitLabProjectHook {
  return {
    project: row.project,
    secret: null,
    createdAt: Math.floor(row.createdAt.getTime() / 1000),
  };
}
