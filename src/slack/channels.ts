import { ErrorCode, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../platform/logger';
import type { SlackInstallations } from './installations';
import { slackLogger } from './logger';

// Slack answers within a second; commands wait on these calls after the ack, not before.
const SLACK_CALL_TIMEOUT_MS = 10_000;

/** Slack's error code when a call was refused by Slack itself, not lost on the way. */
export function slackErrorCode(error: unknown): string | undefined {
  return (error as { code?: unknown } | null)?.code === ErrorCode.PlatformError
    ? (error as WebAPIPlatformError).data.error
    : undefined;
}

/**
 * Why Slack would not take the bot's message in a conversation, and what to do, in a sentence
 * for the person who asked; `where` is how they know the conversation (`this channel`).
 */
export function postRefusal(code: string, where: string): string {
  switch (code) {
    case 'channel_not_found':
    case 'not_in_channel':
      return `Slack would not let the Gantry app post in ${where} (${code}): it is private, or the app is not in it. Invite the app with \`/invite @Gantry\` there, then try again`;
    case 'is_archived':
      return `Slack would not let the Gantry app post in ${where}: it is archived (is_archived). Unarchive it, or use another channel`;
    case 'restricted_action':
    case 'restricted_action_read_only_channel':
    case 'access_denied':
      return `Slack would not let the Gantry app post in ${where} (${code}): only some people may post there. Ask a workspace admin to let the app post, or use another channel`;
    case 'user_not_found':
      return `Slack knows no such person in this workspace (user_not_found); check the member ID`;
    case 'missing_scope':
    case 'not_authed':
    case 'invalid_auth':
    case 'token_revoked':
    case 'account_inactive':
      return `Slack refused the Gantry app's token (${code}); a Gantry admin should reinstall the app in this workspace with an install link from the slackIntegration query, then try again`;
    default:
      return `Slack would not let the Gantry app post in ${where}: it answered ${code}`;
  }
}

// What Slack sends as channel_name for conversations whose name it keeps from apps.
const PLACEHOLDER_NAMES = new Set(['', 'privategroup', 'directmessage']);
export const DIRECT_MESSAGE = 'directmessage';

// A channel is renamed rarely; a short TTL picks up a rename within minutes.
const NAME_TTL_MS = 5 * 60_000;
const MAX_NAMES = 10_000;

/**
 * The names of the conversations commands come from. Slack sends `privategroup` or
 * `directmessage` as the channel_name of private conversations, so a stack access policy
 * matching `input.slack.channel.name` of a private channel would never match: the real name
 * comes from conversations.info with the bot token (channels:read, groups:read, mpim:read),
 * cached per workspace and channel. A direct message keeps `directmessage`, since it has no
 * other name. An installation from before those scopes gets missing_scope: the placeholder is
 * kept, logged once per workspace, until the app is reinstalled. It also makes the bot client
 * that posts in a conversation, and says why Slack refused to (postRefusal).
 */
export class SlackChannels {
  private readonly names = new LRUCache<string, string>({ max: MAX_NAMES, ttl: NAME_TTL_MS });
  private readonly missingScopeLogged = new Set<string>();

  constructor(
    private readonly deps: { installations: SlackInstallations; apiUrl: string; logger: Logger },
  ) {}

  /** The workspace's bot client, to post in its conversations; nothing without the app there. */
  async botClient(teamId: string): Promise<WebClient | undefined> {
    const token = (await this.deps.installations.installation(teamId))?.bot?.token;
    if (!token) return undefined;
    return new WebClient(token, {
      slackApiUrl: this.deps.apiUrl,
      logger: slackLogger(this.deps.logger),
      timeout: SLACK_CALL_TIMEOUT_MS,
      retryConfig: { retries: 1 },
    });
  }

  /** The channel's name: `given` unless it is a placeholder Slack sent for a private one. */
  async name(teamId: string, channelId: string, given: string): Promise<string> {
    if (!PLACEHOLDER_NAMES.has(given)) return given;
    if (channelId.startsWith('D') || given === DIRECT_MESSAGE) return DIRECT_MESSAGE;
    const key = `${teamId}:${channelId}`;
    const cached = this.names.get(key);
    if (cached !== undefined) return cached;
    const name = await this.lookUp(teamId, channelId);
    if (name === undefined) return given;
    this.names.set(key, name ?? given);
    return name ?? given;
  }

  /**
   * The name Slack gives; null when it never will until the app is reinstalled, undefined when
   * it did not tell this time.
   */
  private async lookUp(teamId: string, channelId: string): Promise<string | null | undefined> {
    const client = await this.botClient(teamId);
    if (!client) return undefined;
    try {
      const answer = await client.conversations.info({ channel: channelId });
      return answer.channel?.name ?? null;
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === 'missing_scope') {
        if (!this.missingScopeLogged.has(teamId)) {
          this.missingScopeLogged.add(teamId);
          this.deps.logger.warn(
            { team: teamId, channel: channelId },
            'slack channel names of private channels stay placeholders: the installation lacks channels:read and groups:read; reinstall the app',
          );
        }
        return null;
      }
      this.deps.logger.info(
        { err: error, team: teamId, channel: channelId, slackError: code },
        'reading a slack channel name: the placeholder is kept',
      );
      // Not cached: once someone invites the app to the private channel, its name is seen.
      return undefined;
    }
  }
}
