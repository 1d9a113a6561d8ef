import { randomBytes } from 'node:crypto';
import type { Database } from '../db';
import { CachedRead } from '../db/cache';
import type { ChangeFeed } from '../db/changes';
import { sha256Hex, type SecretBox } from '../platform/secrets';
import { GitLabApi, GitLabError } from './api';
import {
  integrationSettings,
  projectHooks,
  removeIntegrationSettings,
  saveIntegrationSettings,
  saveProjectHook,
  type GitLabIntegrationRow,
  type GitLabProjectHookRow,
} from './store';
import { ConflictError, InvalidInputError } from '../platform/errors';

/**
 * The webhook secrets a delivery's X-Gitlab-Token is matched against: the integration's shared
 * one (undefined while GitLab is not set up) and the projects' own, by their hashes.
 */
export interface WebhookSecrets {
  shared: string | undefined;
  /** The project (lower-cased) whose own secret has this hash. */
  projectBySecretHash: ReadonlyMap<string, string>;
  /** The projects (lower-cased) that have a secret of their own. */
  projectsWithOwnSecret: ReadonlySet<string>;
}

/** The integration as this process keeps it between changes. */
interface Connected {
  row: GitLabIntegrationRow | undefined;
  api: GitLabApi | undefined;
  secrets: WebhookSecrets;
}

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

// The tables the integration is kept from: a change to either reads it afresh.
const CACHED_TABLES = ['gitlab_integration', 'gitlab_project_hooks'];

// Webhooks, commit statuses, comments and deployments need the full api scope.
const REQUIRED_SCOPE = 'api';

/**
 * The one GitLab server an installation is connected to: its settings (the token sealed, the
 * webhook secrets), a client for its API (./api), and what the API asks of it: the groups
 * stacks name as teams, and the projects to choose from. People sign in with it through
 * ./signIn.ts.
 */
export class GitLabIntegrationService {
  /** Read on every webhook delivery and GitLab call, written by an admin now and then. */
  private readonly connected: CachedRead<Connected>;

  constructor(
    private readonly deps: {
      db: Database;
      box: SecretBox;
      publicUrl: string;
      changes: ChangeFeed;
    },
  ) {
    this.connected = new CachedRead(deps.changes, CACHED_TABLES, () => this.connect());
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
    const row = await saveIntegrationSettings(this.deps.db, values);
    this.deps.changes.changedHere('gitlab_integration');
    return this.present(row);
  }

  async remove(): Promise<GitLabSettings | undefined> {
    const row = await removeIntegrationSettings(this.deps.db);
    this.deps.changes.changedHere('gitlab_integration');
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
    const row = await saveProjectHook(this.deps.db, values);
    this.deps.changes.changedHere('gitlab_project_hooks');
    return { ...hookOf(row), secret };
  }

  /** The projects whose hooks have their own secret, without the secrets. */
  async projectHooks(): Promise<GitLabProjectHook[]> {
    const rows = await projectHooks(this.deps.db);
    return rows.map(hookOf);
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

  /** A client with the integration's token; undefined while GitLab is not set up. */
  async api(): Promise<GitLabApi | undefined> {
    return (await this.connected.get()).api;
  }

  /** The connected GitLab's address, where its pages are; undefined while not connected. */
  async host(): Promise<string | undefined> {
    return (await this.row())?.apiHost;
  }

  /** What a webhook delivery's token is matched against. */
  async webhookSecrets(): Promise<WebhookSecrets> {
    return (await this.connected.get()).secrets;
  }

  private async row(): Promise<GitLabIntegrationRow | undefined> {
    return (await this.connected.get()).row;
  }

  private async connect(): Promise<Connected> {
    const [row, hooks] = await Promise.all([
      integrationSettings(this.deps.db),
      projectHooks(this.deps.db),
    ]);
    const { box } = this.deps;
    return {
      row,
      api: row && new GitLabApi({ host: row.apiHost, token: box.open(row.encryptedToken) }),
      secrets: {
        shared: row && box.open(row.encryptedWebhookSecret),
        projectBySecretHash: new Map(hooks.map((hook) => [hook.secretHash, hook.project])),
        projectsWithOwnSecret: new Set(hooks.map((hook) => hook.project)),
      },
    };
  }

  /** The integration's settings row, for `action` that needs GitLab; ConflictError without. */
  async connection(action: string): Promise<GitLabIntegrationRow> {
    const row = await this.row();
    if (!row) {
      throw new ConflictError(
        `${action} needs a GitLab integration; an admin sets one up with gitlabIntegrationSetup`,
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

function hookOf(row: GitLabProjectHookRow): GitLabProjectHook {
  return {
    project: row.project,
    secret: null,
    createdAt: Math.floor(row.createdAt.getTime() / 1000),
  };
}
