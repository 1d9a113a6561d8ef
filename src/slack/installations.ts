import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db';
import type { SecretBox } from '../platform/secrets';
import { signInstallGrant } from './installGrant';
import * as tables from './tables';
import type { SlackInstallationRow } from './tables';
import { NotFoundError } from '../platform/errors';

/** A workspace the app is installed in, as admins see it: nothing secret. */
export type SlackWorkspace = Omit<SlackInstallationRow, 'encryptedInstallation'>;

const table = tables.slackInstallations;
// Everything but the sealed installation.
const workspaceColumns = {
  teamId: table.teamId,
  teamName: table.teamName,
  enterpriseId: table.enterpriseId,
  appId: table.appId,
  botUserId: table.botUserId,
  installedBy: table.installedBy,
  installedAt: table.installedAt,
};

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
    await this.deps.db
      .insert(tables.slackInstallations)
      .values({ teamId: installation.team.id, ...row })
      .onConflictDoUpdate({ target: tables.slackInstallations.teamId, set: row });
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
    const [row] = await this.deps.db
      .select({ sealed: tables.slackInstallations.encryptedInstallation })
      .from(tables.slackInstallations)
      .where(eq(tables.slackInstallations.teamId, teamId));
    return row ? (JSON.parse(this.deps.box.open(row.sealed)) as Installation) : undefined;
  }

  async list(): Promise<SlackWorkspace[]> {
    return this.deps.db
      .select(workspaceColumns)
      .from(tables.slackInstallations)
      .orderBy(asc(tables.slackInstallations.installedAt), asc(tables.slackInstallations.teamId));
  }

  /** Forgets a workspace's installation; the workspace, if there was one. */
  async remove(teamId: string): Promise<SlackWorkspace | undefined> {
    const [removed] = await this.deps.db
      .delete(tables.slackInstallations)
      .where(eq(tables.slackInstallations.teamId, teamId))
      .returning(workspaceColumns);
    return removed;
  }

  /** Forgets a workspace's installation when its bot user is one of `botUserIds`. */
  async removeBot(teamId: string, botUserIds: string[]): Promise<SlackWorkspace | undefined> {
    if (botUserIds.length === 0) return undefined;
    const [removed] = await this.deps.db
      .delete(tables.slackInstallations)
      .where(
        and(
          eq(tables.slackInstallations.teamId, teamId),
          inArray(tables.slackInstallations.botUserId, botUserIds),
        ),
      )
      .returning(workspaceColumns);
    return removed;
  }
}
