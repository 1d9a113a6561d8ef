import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Database } from '../db';
import type { SecretBox } from '../platform/secrets';
import { signInstallGrant } from './installGrant';
import {
  installedWorkspaces,
  removeInstallation,
  removeInstallationOfBot,
  saveInstallation,
  sealedInstallation,
  type SlackWorkspace,
} from './store';
import { NotFoundError } from '../platform/errors';

export type { SlackWorkspace } from './store';

/** An installation Gantry does not keep, with the reason the person installing it reads. */
export class UnsupportedInstallationError extends Error {}

/**
 * The database-backed installation store @slack/oauth's InstallProvider writes to, one row per
 * workspace. Installing again replaces the row, so a workspace is never listed twice.
 */
export class SlackInstallations implements InstallationStore {
  constructor(private readonly deps: { db: Database; box: SecretBox }) {}

  async storeInstallation(installation: Installation): Promise<void> {
    // An org-wide install has no workspace to key it by, and the app is per workspace.
    if (installation.isEnterpriseInstall || !installation.team) {
      throw new UnsupportedInstallationError(
        'Gantry is installed per workspace, not across an Enterprise Grid organization; install it in each workspace that needs it',
      );
    }
    if (!installation.bot) {
      throw new UnsupportedInstallationError(
        'Slack granted no bot token; install the app again and allow the bot scopes it asks for',
      );
    }
    const row = {
      teamName: installation.team.name ?? null,
      enterpriseId: installation.enterprise?.id ?? null,
      appId: installation.appId ?? null,
      botUserId: installation.bot.userId,
      installedBy: installation.user.id,
      encryptedInstallation: this.deps.box.seal(JSON.stringify(installation)),
      installedAt: new Date(),
    };
    await saveInstallation(this.deps.db, installation.team.id, row);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const installation = query.teamId ? await this.installation(query.teamId) : undefined;
    if (!installation) {
      throw new NotFoundError(
        `the Slack app is not installed in workspace "${query.teamId ?? query.enterpriseId}"; install it with the installUrl of the slackIntegration query`,
      );
    }
    return installation;
  }

  /** A fresh grant for /slack/install, for an admin's install link. */
  installGrant(): string {
    return signInstallGrant(this.deps.box);
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    if (query.teamId) await this.remove(query.teamId);
  }

  /** The installation of a workspace, bot token included, if the app is installed there. */
  async installation(teamId: string): Promise<Installation | undefined> {
    const sealed = await sealedInstallation(this.deps.db, teamId);
    return sealed !== undefined
      ? (JSON.parse(this.deps.box.open(sealed)) as Installation)
      : undefined;
  }

  async list(): Promise<SlackWorkspace[]> {
    return installedWorkspaces(this.deps.db);
  }

  /** Forgets a workspace's installation; the workspace, if there was one. */
  async remove(teamId: string): Promise<SlackWorkspace | undefined> {
    return removeInstallation(this.deps.db, teamId);
  }

  /** Forgets a workspace's installation when its bot user is one of `botUserIds`. */
  async removeBot(teamId: string, botUserIds: string[]): Promise<SlackWorkspace | undefined> {
    if (botUserIds.length === 0) return undefined;
    return removeInstallationOfBot(this.deps.db, teamId, botUserIds);
  }
}
