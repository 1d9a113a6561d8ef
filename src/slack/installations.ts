import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Database } from '../db';
import { CachedRead } from '../db/cache';
import type { ChangeFeed } from '../db/changes';
import type { SecretBox } from '../platform/secrets';
import { signInstallGrant } from './installGrant';
import {
  installedWorkspaces,
  removeInstallation,
  removeInstallationOfBot,
  saveInstallation,
  sealedInstallations,
  type SlackWorkspace,
} from './store';
import { NotFoundError } from '../platform/errors';

export type { SlackWorkspace } from './store';

/** An installation Gantry does not keep, with the reason the person installing it reads. */
export class UnsupportedInstallationError extends Error {}

// The table installations are kept in: a change to it reads them afresh.
const CACHED_TABLES = ['slack_installations'];

/**
 * The database-backed installation store @slack/oauth's InstallProvider writes to, one row per
 * workspace. Installing again replaces the row, so a workspace is never listed twice.
 *
 * Every Slack command and button press needs its workspace's installation, and installations
 * change only when the app is installed, reinstalled or removed: each process keeps them all,
 * opened, until the change feed says the table changed (an organization has a handful of
 * workspaces, so one read of every row is cheaper than one per workspace).
 */
export class SlackInstallations implements InstallationStore {
  private readonly installed: CachedRead<ReadonlyMap<string, Installation>>;

  constructor(private readonly deps: { db: Database; box: SecretBox; changes: ChangeFeed }) {
    this.installed = new CachedRead(deps.changes, CACHED_TABLES, () => this.readAll());
  }

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
    this.changed();
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const installation = query.teamId ? await this.installation(query.teamId) : undefined;
    if (!installation) {
      throw new NotFoundError(
        `the Slack app is not installed in workspace "${query.teamId ?? query.enterpriseId}"; install it with the installUrl of the slackIntegration query`,
      );
    }
    // A copy: @slack/oauth may change what it fetched, and the kept installation is shared.
    return structuredClone(installation);
  }

  /** A fresh grant for /slack/install, for an admin's install link. */
  installGrant(): string {
    return signInstallGrant(this.deps.box);
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    if (query.teamId) await this.remove(query.teamId);
  }

  /**
   * The installation of a workspace, bot token included, if the app is installed there; shared
   * by every caller, so read-only.
   */
  async installation(teamId: string): Promise<Installation | undefined> {
    return (await this.installed.get()).get(teamId);
  }

  async list(): Promise<SlackWorkspace[]> {
    return installedWorkspaces(this.deps.db);
  }

  /** Forgets a workspace's installation; the workspace, if there was one. */
  async remove(teamId: string): Promise<SlackWorkspace | undefined> {
    const removed = await removeInstallation(this.deps.db, teamId);
    this.changed();
    return removed;
  }

  /** Forgets a workspace's installation when its bot user is one of `botUserIds`. */
  async removeBot(teamId: string, botUserIds: string[]): Promise<SlackWorkspace | undefined> {
    if (botUserIds.length === 0) return undefined;
    const removed = await removeInstallationOfBot(this.deps.db, teamId, botUserIds);
    this.changed();
    return removed;
  }

  private async readAll(): Promise<ReadonlyMap<string, Installation>> {
    const sealed = await sealedInstallations(this.deps.db);
    return new Map(
      [...sealed].map(([teamId, row]) => [
        teamId,
        JSON.parse(this.deps.box.open(row)) as Installation,
      ]),
    );
  }

  /** This process reads its own write at once; the others hear of it from the feed. */
  private changed(): void {
    this.deps.changes.changedHere('slack_installations');
  }
}
