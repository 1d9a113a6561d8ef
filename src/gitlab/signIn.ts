import { createHmac, randomBytes } from 'node:crypto';
import { gitlabTokenOf, recordGitLabLogin } from '../auth/store';
import type { Viewer } from '../auth/viewer';
import type { Database } from '../db';
import { AuthenticationError, ConflictError, InvalidInputError } from '../platform/errors';
import { secretMatches, type SecretBox } from '../platform/secrets';
import { authorizeUrl, exchangeOAuthCode, GitLabApi, GitLabError } from './api';
import type { GitLabIntegrationService } from './integration';
import type { GitLabIntegrationRow } from './store';

// What signing in asks of a person: who they are and which groups they are in.
const SIGN_IN_SCOPES = ['read_api'];
const SIGN_IN_LIFETIME_MS = 10 * 60 * 1000;

/**
 * Signing in with the connected GitLab: a GitLab token (personal or OAuth) becomes a Gantry
 * user with their groups as teams, and GitLab's OAuth authorization-code flow gives people
 * such a token.
 */
export class GitLabSignIn {
  constructor(
    private readonly deps: {
      db: Database;
      box: SecretBox;
      publicUrl: string;
      integration: GitLabIntegrationService;
    },
  ) {}

  /** Where GitLab sends a person back to after signing in. */
  get redirectUri(): string {
    return `${this.deps.publicUrl}/oauth/gitlab/callback`;
  }

  /**
   * The Gantry user a GitLab token (personal or OAuth) belongs to, with their groups as teams.
   * The token is kept sealed so that oauthRefresh can ask again.
   */
  async userFromToken(token: string): Promise<Viewer> {
    const row = await this.deps.integration.connection('logging in with a GitLab token');
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

  private async requireOAuth(): Promise<GitLabIntegrationRow> {
    const row = await this.deps.integration.connection('signing in with GitLab');
    if (!row.oauthClientId || !row.encryptedOauthClientSecret) {
      throw new ConflictError(
        'signing in with GitLab needs an OAuth application: an admin creates one in GitLab ' +
          `(redirect URI ${this.redirectUri}, scope read_api) and passes its id and secret to gitlabIntegrationSetup`,
      );
    }
    return row;
  }
}
