import type { WebClient } from '@slack/web-api';
import { ulid } from '../platform/ids';
import type { Database } from '../db';
import { InvalidInputError, NotFoundError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { RunState, RunType } from '../runs/types';
import type { RunView } from '../runs/view';
import { postRefusal, slackErrorCode, type SlackChannels } from './channels';
import { runMessage } from './runMessage';
import {
  deleteSubscription,
  saveSubscription,
  subscriptionById,
  subscriptionOfChannel,
  updateSubscriptionSettings,
  type SlackSubscription,
} from './store';
import {
  changeSettings,
  DEFAULT_SETTINGS,
  describeSettings,
  type SettingsChange,
  type SubscriptionSettings,
} from './subscriptionSettings';
import { escapeSlackText } from './text';

export interface SlackSubscriptionsDependencies {
  db: Database;
  /** The workspaces' bot clients. */
  channels: SlackChannels;
  /** GANTRY_PUBLIC_URL, for the links of the test message. */
  publicUrl: string;
  /** The slash command, such as `/gantry`, for what messages tell people to type. */
  command: string;
  logger: Logger;
}

/** A conversation to subscribe, and who asks. */
export interface SubscribeRequest {
  stack: { id: string; name: string };
  teamId: string;
  /** A channel (C…, G…), a DM with the app (D…) or a person's member ID (U…, W…). */
  channelId: string;
  channelName: string;
  /** Who asks, as the confirmation message names them: a Slack mention, or words. */
  by: { userId: string; shown: string };
  change: SettingsChange;
}

export interface Subscribed {
  /** `unchanged`: subscribed already with these settings, so nothing was posted either. */
  outcome: 'created' | 'changed' | 'resumed' | 'unchanged';
  subscription: SlackSubscription;
  settings: SubscriptionSettings;
}

/** A subscription's settings, as its row has them. */
export function settingsOf(row: SlackSubscription): SubscriptionSettings {
  return {
    events: row.events as RunState[],
    onlyFailures: row.onlyFailures,
    branches: row.branches,
    types: row.types as RunType[],
  };
}

/**
 * Subscriptions as the command and the GraphQL mutations change them. Nothing is subscribed
 * that the bot cannot post to: a subscription that changes posts a short message saying so in
 * the conversation first, and Slack refusing it refuses the subscription, with what to do
 * (InvalidInputError), instead of run messages failing later where nobody sees.
 */
export class SlackSubscriptions {
  constructor(private readonly deps: SlackSubscriptionsDependencies) {}

  async subscribe(request: SubscribeRequest): Promise<Subscribed> {
    const { db } = this.deps;
    const channel = {
      stackId: request.stack.id,
      teamId: request.teamId,
      channelId: request.channelId,
    };
    const existing = await subscriptionOfChannel(db, channel);
    const settings = changeSettings(
      existing ? settingsOf(existing) : DEFAULT_SETTINGS,
      request.change,
    );
    if (existing && !existing.refusedAt && sameSettings(settingsOf(existing), settings)) {
      return { outcome: 'unchanged', subscription: existing, settings };
    }
    const unsubscribe = `\`${this.deps.command} unsubscribe ${escapeSlackText(request.stack.id)}\``;
    // A person's messages land in their DM with the app, where they can always stop them.
    const personal = isPerson(request.channelId) || request.channelId.startsWith('D');
    const stop = personal
      ? `To stop them, type ${unsubscribe} here, in your direct messages with the Gantry app.`
      : `${unsubscribe} stops them.`;
    const who =
      request.by.userId === request.channelId
        ? 'You subscribed'
        : `${request.by.shown} subscribed ${isPerson(request.channelId) ? 'you' : 'this conversation'}`;
    await this.post(
      request.teamId,
      request.channelId,
      `${who} to the runs of stack "${escapeSlackText(request.stack.name)}": ${describeSettings(settings)}. ${stop}`,
    );
    const subscription = await saveSubscription(db, {
      id: ulid(),
      ...channel,
      channelName: request.channelName,
      subscribedBy: request.by.userId,
      settings,
    });
    const outcome = !existing ? 'created' : existing.refusedAt ? 'resumed' : 'changed';
    return { outcome, subscription, settings };
  }

  /** Changes a subscription's settings by its id, as admins do through GraphQL. */
  async update(id: string, change: SettingsChange): Promise<SlackSubscription> {
    const existing = await subscriptionById(this.deps.db, id);
    if (!existing) throw noSubscription(id);
    const settings = changeSettings(settingsOf(existing), change);
    const updated = await updateSubscriptionSettings(this.deps.db, id, settings);
    if (!updated) throw noSubscription(id);
    return updated;
  }

  async remove(id: string): Promise<SlackSubscription> {
    const removed = await deleteSubscription(this.deps.db, id);
    if (!removed) throw noSubscription(id);
    return removed;
  }

  /**
   * Posts a sample run message of the stack in a conversation, marked as a test and without
   * buttons, so people see what run messages look like there and that Slack takes them.
   */
  async test(
    stack: {
      id: string;
      name: string;
      branch: string;
      provider: RunView['stack']['provider'];
      repository: string;
    },
    teamId: string,
    channelId: string,
  ): Promise<void> {
    const sample: RunView = {
      id: 'SAMPLE',
      type: RunType.TRACKED,
      state: RunState.FINISHED,
      branch: stack.branch,
      isTag: false,
      commit: {
        hash: '0000000000000000000000000000000000000000',
        message: 'A sample commit',
        url: '',
      },
      command: null,
      delta: {
        addCount: 1,
        addResources: ['terraform_data.sample'],
        changeCount: 0,
        changeResources: [],
        deleteCount: 0,
        deleteResources: [],
        resources: 0,
      },
      mergeRequestIid: null,
      decision: null,
      stack: {
        id: stack.id,
        name: stack.name,
        provider: stack.provider,
        repository: stack.repository,
      },
    };
    const url = `${this.deps.publicUrl.replace(/\/+$/, '')}/stack/${encodeURIComponent(stack.id)}`;
    const message = runMessage(sample, url, { test: true });
    await this.post(teamId, channelId, message.text, message.blocks);
  }

  /** Posts in the conversation with the bot token; InvalidInputError with what to do if Slack refuses. */
  private async post(
    teamId: string,
    channelId: string,
    text: string,
    blocks?: ReturnType<typeof runMessage>['blocks'],
  ): Promise<void> {
    const client = await this.client(teamId);
    try {
      await client.chat.postMessage({
        channel: channelId,
        text,
        ...(blocks ? { blocks } : {}),
        unfurl_links: false,
      });
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === undefined) {
        throw new Error(
          `posting in Slack conversation "${channelId}": ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      this.deps.logger.info(
        { team: teamId, channel: channelId, slackError: code },
        'slack refused a message in a conversation being subscribed or tested',
      );
      throw new InvalidInputError(
        postRefusal(
          code,
          isPerson(channelId) ? 'a direct message with that person' : 'this conversation',
        ),
      );
    }
  }

  private async client(teamId: string): Promise<WebClient> {
    const client = await this.deps.channels.botClient(teamId);
    if (!client) {
      throw new NotFoundError(
        `the Slack app is not installed in workspace "${teamId}"; install it with the installUrl of the slackIntegration query first`,
      );
    }
    return client;
  }
}

/** Whether a subscription's channel is a person's member ID, whose messages go to a DM. */
export function isPerson(channelId: string): boolean {
  return /^[UW]/.test(channelId);
}

function sameSettings(a: SubscriptionSettings, b: SubscriptionSettings): boolean {
  const sorted = (values: string[]) => [...values].sort().join(',');
  return (
    sorted(a.events) === sorted(b.events) &&
    a.onlyFailures === b.onlyFailures &&
    a.branches === b.branches &&
    sorted(a.types) === sorted(b.types)
  );
}

function noSubscription(id: string): NotFoundError {
  return new NotFoundError(
    `there is no Slack subscription "${id}"; the subscriptions field of the slackIntegration query lists them`,
  );
}
