import { WebClient, type UsersInfoResponse } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../platform/logger';
import type { SlackInput } from '../policy/evaluator';
import { SlackChannels } from './channels';
import { INSTALL_GRANT_MINUTES } from './installGrant';
import type { SlackInstallations } from './installations';
import { slackLogger } from './logger';

export type SlackUserInput = SlackInput['user'];

/** A workspace without the app: nothing Slack sends from there can be acted on. */
export class NotInstalledError extends Error {}

/** What someone acting from a workspace without the app is told. */
export const NOT_INSTALLED = `Gantry is not installed in this Slack workspace. Ask a Gantry admin for an install link (the installUrl of the slackIntegration query; it works for ${INSTALL_GRANT_MINUTES} minutes), open it to install the app here, then try again.`;

// A person's Slack details change rarely; a few minutes of staleness spares Slack a call per command.
const USER_TTL_MS = 5 * 60_000;
const MAX_USERS = 10_000;
// Slack answers users.info within a second; a caller waiting longer has already acknowledged.
const USERS_INFO_TIMEOUT_MS = 10_000;

/**
 * The `slack` section of the policy input for someone acting in Slack: who they are comes from
 * users.info with the workspace's bot token, cached per workspace and user; a private
 * channel's name from SlackChannels, since Slack sends a placeholder for it.
 */
export class SlackPeople {
  private readonly cache = new LRUCache<string, SlackUserInput>({
    max: MAX_USERS,
    ttl: USER_TTL_MS,
  });

  /** The workspace's conversations: their names here, and the bot client subcommands post with. */
  readonly channels: SlackChannels;

  constructor(
    private readonly deps: { installations: SlackInstallations; apiUrl: string; logger: Logger },
  ) {
    this.channels = new SlackChannels(deps);
  }

  /** The workspace's name as the installation recorded it; NotInstalledError without one. */
  async teamName(teamId: string): Promise<string> {
    const installation = await this.deps.installations.installation(teamId);
    if (!installation) throw new NotInstalledError(teamId);
    return installation.team?.name ?? '';
  }

  async input(request: {
    command: string;
    teamId: string;
    userId: string;
    channel: { id: string; name: string };
  }): Promise<SlackInput> {
    const [name, user, channelName] = await Promise.all([
      this.teamName(request.teamId),
      this.user(request.teamId, request.userId),
      this.channels.name(request.teamId, request.channel.id, request.channel.name),
    ]);
    return {
      command: request.command,
      user,
      team: { id: request.teamId, name },
      channel: { id: request.channel.id, name: channelName },
    };
  }

  async user(teamId: string, userId: string): Promise<SlackUserInput> {
    const key = `${teamId}:${userId}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const installation = await this.deps.installations.installation(teamId);
    const token = installation?.bot?.token;
    if (!token) throw new NotInstalledError(teamId);
    const client = new WebClient(token, {
      slackApiUrl: this.deps.apiUrl,
      logger: slackLogger(this.deps.logger),
      timeout: USERS_INFO_TIMEOUT_MS,
      retryConfig: { retries: 1 },
    });
    const answer = await client.users.info({ user: userId });
    const user = toInput(userId, answer.user);
    this.cache.set(key, user);
    return user;
  }
}

/** users.info as the policy input shows it: every field present, false or '' when Slack omits it. */
function toInput(userId: string, user: UsersInfoResponse['user']): SlackUserInput {
  const enterprise = user?.enterprise_user;
  return {
    id: userId,
    deleted: user?.deleted ?? false,
    display_name: user?.profile?.display_name ?? '',
    has_2fa: user?.has_2fa ?? false,
    is_admin: user?.is_admin ?? false,
    is_owner: user?.is_owner ?? false,
    is_primary_owner: user?.is_primary_owner ?? false,
    is_restricted: user?.is_restricted ?? false,
    is_ultra_restricted: user?.is_ultra_restricted ?? false,
    is_stranger: user?.is_stranger ?? false,
    real_name: user?.real_name ?? user?.profile?.real_name ?? '',
    tz: user?.tz ?? '',
    enterprise: {
      id: enterprise?.id ?? '',
      enterprise_id: enterprise?.enterprise_id ?? '',
      enterprise_name: enterprise?.enterprise_name ?? '',
      is_admin: enterprise?.is_admin ?? false,
      is_owner: enterprise?.is_owner ?? false,
      teams: enterprise?.teams ?? [],
    },
  };
}
