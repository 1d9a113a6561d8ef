import { ErrorCode, LogLevel, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import type { Database } from '../db';
import type { Logger } from '../platform/logger';
import type { RunEvent, RunSink } from '../runs/events';
import { runUrl } from '../runs/links';
import { readRunView, type RunView } from '../runs/view';
import { stacksByIds } from '../stacks/store';
import type { SlackInstallations } from './installations';
import { runMessage } from './runMessage';
import {
  holdingRunMessage,
  recordRunMessage,
  refuseSubscription,
  storedRunMessage,
  subscriptionsOfStack,
  type SlackSubscription,
} from './store';
import { hears } from './subscriptionSettings';
import { settingsOf } from './subscriptions';

export interface SlackNotifierDependencies {
  db: Database;
  /** The process's installations, whose bot tokens post the messages. */
  installations: SlackInstallations;
  /** GANTRY_PUBLIC_URL: where the messages' links to runs point. */
  publicUrl: string;
  logger: Logger;
  /** SLACK_API_URL. */
  slackApiUrl: string;
}

// Slack will not take messages for the channel until someone there acts: the bot cannot see
// it, was removed from it or may not post in it, or it was archived.
const CHANNEL_REFUSALS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'access_denied',
  'restricted_action_read_only_channel',
  // A subscription to a member ID whose person left the workspace.
  'user_not_found',
]);

// Answers no retry can mend: the channel or the installation is gone, or Slack will never
// take the message as it is.
const UNMENDABLE = new Set([
  ...CHANNEL_REFUSALS,
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'not_authed',
  'missing_scope',
  'no_permission',
  'team_access_not_granted',
  'restricted_action',
  'invalid_blocks',
  'msg_too_long',
]);

// The message was deleted, or is no longer the bot's to edit: the run gets a new one.
const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

// Well inside the activity's minute and the claim's 90 seconds, so an attempt that times out
// has ended, and stored what Slack answered, before a retry can take the claim.
const SLACK_TIMEOUT_MS = 20_000;

/**
 * Keeps one message per run in every Slack channel subscribed to the run's stack: posted at
 * the first transition a delivery hears of, then edited in place at each later one.
 *
 * A subscription's settings (SubscriptionSettings) choose which runs post: their type and
 * branch, and the states that post a message, judged by the state the delivery was sent
 * about, so a run that moves on before its delivery reads it is still heard. Once a run has a
 * message in a channel, it is edited to every later state whatever the settings say: a
 * message left at UNCONFIRMED would keep buttons for a run long decided. A member ID's
 * messages land in the app's DM with the person; Slack answers with that D… channel, which is
 * stored (slack_run_messages.posted_in) because chat.update takes only it.
 *
 * Deliveries of one run overlap and arrive late or twice. None posts the state it was sent
 * about: each renders the run as the database has it now and compares it with the state the
 * message shows (slack_run_messages.state), so a late or repeated delivery posts nothing.
 * Each channel's row is claimed (see withClaim) before anything is posted, and the message's
 * `ts` is stored the moment Slack answers, so two deliveries never post two messages.
 *
 * One window is left: if Slack accepts chat.postMessage but its answer never arrives (the
 * connection drops after Slack wrote the message, or the worker dies before storing `ts`),
 * the retry finds no `ts` and posts a second message. Finding the first one again would take
 * conversations.history and the channels:history scope Gantry does not ask for; a rare
 * duplicate is preferred to a lost message.
 *
 * Slack rate limiting (429) or failing (5xx, unreachable) makes the delivery throw, after
 * every channel has had its turn, and Temporal tries it again with backoff. The web client
 * neither waits out a Retry-After nor retries by itself: an activity sleeping for minutes
 * would only time out. An answer no retry can mend is logged and that channel given up; when
 * it is Slack refusing the channel itself, the subscription stops (refused_at) until someone
 * subscribes the channel again.
 */
export function createSlackNotifier(deps: SlackNotifierDependencies): RunSink {
  const notifier = new SlackNotifier(deps);
  return (event) => notifier.deliver(event);
}

class SlackNotifier {
  constructor(private readonly deps: SlackNotifierDependencies) {}

  async deliver(event: RunEvent): Promise<void> {
    const { db } = this.deps;
    const { runId } = event;
    const run = await readRunView(db, runId);
    if (!run) return;
    const subscriptions = await subscriptionsOfStack(db, run.stack.id);
    const heard = await this.hearing(run, event, subscriptions);

    const clients = new Map<string, WebClient | undefined>();
    let retry: Error | undefined;
    for (const subscription of subscriptions) {
      const mayPost = heard.has(subscription.id);
      if (!mayPost && !(await this.hasMessage(runId, subscription))) continue;
      if (!clients.has(subscription.teamId)) {
        clients.set(subscription.teamId, await this.client(subscription.teamId));
      }
      const client = clients.get(subscription.teamId);
      if (!client) continue;
      try {
        await this.deliverTo(client, runId, subscription, mayPost);
      } catch (error) {
        if (unmendable(error)) {
          const refused = CHANNEL_REFUSALS.has(error.data.error);
          this.deps.logger.warn(
            {
              err: error,
              runId,
              stackId: run.stack.id,
              teamId: subscription.teamId,
              channelId: subscription.channelId,
              slackError: error.data.error,
            },
            refused
              ? 'slack channel refused run messages: its subscription stops until subscribed again'
              : 'slack run message given up: slack refused it',
          );
          if (refused) await this.stop(subscription, error.data.error);
        } else {
          // The other channels still get their turn; Temporal retries the whole delivery.
          retry ??= error instanceof Error ? error : new Error(String(error));
        }
      }
    }
    if (retry) throw retry;
  }

  /** The subscriptions whose settings hear the run reaching the event's state. */
  private async hearing(
    run: RunView,
    event: RunEvent,
    subscriptions: SlackSubscription[],
  ): Promise<Set<string>> {
    // The stack's branch is read only when a subscription hears its branch alone.
    const stackBranch = subscriptions.some((each) => each.branches === 'default')
      ? ((await stacksByIds(this.deps.db, [run.stack.id]))[0]?.branch ?? '')
      : '';
    const heard = { type: run.type, branch: run.branch, state: event.state, stackBranch };
    return new Set(
      subscriptions
        .filter((subscription) => hears(settingsOf(subscription), heard))
        .map((subscription) => subscription.id),
    );
  }

  /** Whether the run has a message in the subscription's channel already, to be kept up. */
  private async hasMessage(runId: string, to: SlackSubscription): Promise<boolean> {
    const posted = await storedRunMessage(this.deps.db, {
      runId,
      teamId: to.teamId,
      channelId: to.channelId,
    });
    return Boolean(posted?.ts);
  }

  /**
   * Stops a subscription whose channel Slack refused: trying every later run there would only
   * be refused again. `/gantry subscribe` in the channel resumes it.
   */
  private async stop(subscription: SlackSubscription, reason: string): Promise<void> {
    await refuseSubscription(this.deps.db, subscription.id, reason);
  }

  /**
   * Posts or edits the run's message in one channel, holding the channel's row; posts only
   * when `mayPost`, since the subscription's settings may hear only the edits.
   */
  private async deliverTo(
    client: WebClient,
    runId: string,
    to: SlackSubscription,
    mayPost: boolean,
  ): Promise<void> {
    const { db } = this.deps;
    const key = { runId, teamId: to.teamId, channelId: to.channelId };
    await holdingRunMessage(
      db,
      key,
      `the Slack message of run "${runId}" in channel "${to.channelId}"`,
      async () => {
        // Read again under the claim: the run may have moved on while this delivery waited.
        const current = await readRunView(db, runId);
        const posted = await storedRunMessage(db, key);
        if (!current || !posted) return;
        if (posted.ts !== null && posted.state === current.state) return;
        if (posted.ts === null && !mayPost) return;
        const message = runMessage(
          current,
          runUrl(this.deps.publicUrl, current.stack.id, current.id),
        );
        let ts = posted.ts;
        let postedIn = posted.postedIn;
        if (ts !== null) {
          try {
            await client.chat.update({ channel: postedIn ?? to.channelId, ts, ...message });
          } catch (error) {
            if (!(isPlatformError(error) && MESSAGE_GONE.has(error.data.error))) {
              throw slackError('editing the run message', error);
            }
            ts = null;
          }
        }
        if (ts === null) {
          const answer = await client.chat
            .postMessage({ channel: to.channelId, unfurl_links: false, ...message })
            .catch((error: unknown) => {
              throw slackError('posting the run message', error);
            });
          ts = answer.ts!;
          postedIn = answer.channel && answer.channel !== to.channelId ? answer.channel : null;
        }
        // Stored as soon as Slack answers: from here on every delivery edits this message.
        await recordRunMessage(db, key, { ts, postedIn, state: current.state });
      },
    );
  }

  private async client(teamId: string): Promise<WebClient | undefined> {
    const token = (await this.deps.installations.installation(teamId))?.bot?.token;
    if (!token) return undefined;
    return new WebClient(token, {
      slackApiUrl: this.deps.slackApiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: SLACK_TIMEOUT_MS,
      logLevel: LogLevel.ERROR,
    });
  }
}

function isPlatformError(error: unknown): error is WebAPIPlatformError {
  return (error as { code?: unknown } | null)?.code === ErrorCode.PlatformError;
}

function unmendable(error: unknown): error is SlackCallError {
  return (
    error instanceof SlackCallError &&
    isPlatformError(error.cause) &&
    UNMENDABLE.has(error.cause.data.error)
  );
}

/** A Slack call that did not succeed, saying which; the web client's error is its cause. */
class SlackCallError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'SlackCallError';
  }

  get data(): { error: string } {
    return isPlatformError(this.cause) ? this.cause.data : { error: '' };
  }
}

function slackError(action: string, error: unknown): SlackCallError {
  const cause = error instanceof Error ? error.message : String(error);
  return new SlackCallError(`${action}: ${cause}`, error);
}
