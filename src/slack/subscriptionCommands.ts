import { InvalidInputError } from '../platform/errors';
import type { CommandContext, FreeContext, SlackCommand } from './command';
import { slackErrorCode } from './channels';
import { ephemeral, type SlackReply } from './replies';
import {
  subscriptionsOfConversation,
  subscriptionsOfStackInTeam,
  unsubscribeChannel,
  type SlackSubscription,
} from './store';
import { describeSettings, parseSubscribeOptions } from './subscriptionSettings';
import { isPerson, settingsOf, SlackSubscriptions } from './subscriptions';
import { escapeSlackText } from './text';

/** The command's channel, as subscribed to the stack. */
export function channelOf({ request, stack }: CommandContext) {
  return { stackId: stack.id, teamId: request.teamId, channelId: request.channel.id };
}

function subscriptionsOf({ deps }: Pick<CommandContext, 'deps'>): SlackSubscriptions {
  return new SlackSubscriptions({
    db: deps.db,
    channels: deps.people.channels,
    publicUrl: deps.publicUrl,
    command: deps.command,
    logger: deps.logger,
  });
}

/** What a command that changed nothing says when its words or Slack refused it. */
function refused(error: unknown): SlackReply {
  if (error instanceof InvalidInputError) {
    return ephemeral(`Nothing changed: ${escapeSlackText(error.message)}.`);
  }
  throw error;
}

const SETTINGS_USAGE =
  '<stackId> [--events all|unconfirmed,finished,failed,…] [--only-failures] [--branches default|all|<glob>] [--types all|tracked,proposed,tasks] [--to @person]';

/**
 * Subscribes the channel, a person (`--to`), or changes what a subscription hears; also
 * resumes a subscription the notifier stopped after Slack refused the channel (see
 * SlackNotifier): subscribing again is how a channel says it can take messages. Settings not
 * given stay as they were, so subscribing again to resume keeps them.
 */
const subscribe: SlackCommand = {
  name: 'subscribe',
  usage: SETTINGS_USAGE,
  summary:
    "post this stack's runs in this channel (or to a person), with Confirm and Discard buttons while a run waits; the options choose which runs, and subscribing again changes them",
  stack: 'required',
  needs: 'read',
  async run(context) {
    const { deps, request, stack, slack } = context;
    let target: { id: string; name: string };
    let change;
    try {
      const options = parseSubscribeOptions(context.args);
      change = options.change;
      target = options.to
        ? await person(context, options.to)
        : { id: request.channel.id, name: slack.channel.name };
    } catch (error) {
      return refused(error);
    }
    const name = escapeSlackText(stack.id);
    let subscribed;
    try {
      subscribed = await subscriptionsOf(context).subscribe({
        stack,
        teamId: request.teamId,
        channelId: target.id,
        channelName: target.name,
        by: { userId: request.userId, shown: `<@${request.userId}>` },
        change,
      });
    } catch (error) {
      return refused(error);
    }
    const settings = describeSettings(subscribed.settings);
    const here = isPerson(target.id) ? `<@${target.id}>` : 'This channel';
    const where = isPerson(target.id)
      ? ' Their messages go to their direct messages with the Gantry app.'
      : '';
    const stop = `\`${deps.command} unsubscribe ${name}${isPerson(target.id) ? ` --to <@${target.id}>` : ''}\` stops them.`;
    switch (subscribed.outcome) {
      case 'unchanged':
        return ephemeral(
          `${here} is already subscribed to stack "${name}" with these settings: ${settings}; nothing changed.`,
        );
      case 'created':
        return ephemeral(
          `${here} is now subscribed to stack "${name}": ${settings}.${where} ${stop}`,
        );
      case 'changed':
        return ephemeral(
          `${here} stays subscribed to stack "${name}", now with: ${settings}. ${stop}`,
        );
      case 'resumed':
        return ephemeral(
          `${here} is subscribed to stack "${name}" again: ${settings}. If the messages stop again, Slack refused the channel; invite the Gantry app to it or unarchive it, then subscribe again. ${stop}`,
        );
    }
  },
};

/** The person `--to` names, with the name their subscription shows; Slack must know them. */
async function person(
  { deps, request }: CommandContext,
  userId: string,
): Promise<{ id: string; name: string }> {
  try {
    const user = await deps.people.user(request.teamId, userId);
    return { id: userId, name: `@${user.display_name || user.real_name || userId}` };
  } catch (error) {
    if (slackErrorCode(error) === 'user_not_found') {
      throw new InvalidInputError(
        `Slack knows no person "${userId}" in this workspace; mention someone of this workspace with --to`,
      );
    }
    throw error;
  }
}

/**
 * Unsubscribes the channel, or a person (`--to`). In a direct message with the app, the
 * subscription of the person who asks is removed too: messages to a member ID land there.
 */
const unsubscribe: SlackCommand = {
  name: 'unsubscribe',
  usage: '<stackId> [--to @person]',
  summary: "stop posting this stack's runs here (or to a person)",
  stack: 'required',
  needs: 'read',
  async run(context) {
    const { deps, request, stack } = context;
    let to: string | undefined;
    try {
      const options = parseSubscribeOptions(context.args);
      if (
        Object.keys(options.change).some((key) => options.change[key as 'events'] !== undefined)
      ) {
        throw new InvalidInputError(
          `unsubscribe takes no settings; \`${deps.command} subscribe ${stack.id} …\` changes them`,
        );
      }
      to = options.to;
    } catch (error) {
      return refused(error);
    }
    const name = escapeSlackText(stack.id);
    const channels = to
      ? [to]
      : request.channel.id.startsWith('D')
        ? [request.channel.id, request.userId]
        : [request.channel.id];
    let removed = false;
    for (const channelId of channels) {
      removed =
        (await unsubscribeChannel(deps.db, {
          stackId: stack.id,
          teamId: request.teamId,
          channelId,
        })) || removed;
    }
    const who = to ? `<@${to}> is` : 'This channel is';
    return ephemeral(
      removed
        ? `${who} unsubscribed from stack "${name}"; its runs are no longer posted ${to ? 'to them' : 'here'}.`
        : `${who} not subscribed to stack "${name}"; nothing changed. \`${deps.command} subscribe ${name}${to ? ` --to <@${to}>` : ''}\` subscribes ${to ? 'them' : 'it'}.`,
    );
  },
};

/**
 * Lists subscriptions with their settings: with a stack, every conversation of this workspace
 * subscribed to it; without, the stacks this conversation hears, those the caller may not read
 * left out as if they were not there.
 */
const subscriptions: SlackCommand = {
  name: 'subscriptions',
  usage: '[stackId]',
  summary:
    'the stacks this channel is subscribed to, with their settings; with a stack, every channel subscribed to it',
  stack: 'optional',
  needs: 'read',
  async run(context: FreeContext) {
    const { deps, request, stack, slack } = context;
    if (stack) {
      const rows = await subscriptionsOfStackInTeam(deps.db, stack.id, request.teamId);
      const name = escapeSlackText(stack.id);
      if (rows.length === 0) {
        return ephemeral(
          `No channel of this workspace is subscribed to stack "${name}". \`${deps.command} subscribe ${name}\` subscribes this one.`,
        );
      }
      return ephemeral(
        [
          `Subscribed to stack "${name}":`,
          ...rows.map((row) => `• ${conversation(row)}: ${line(row)}`),
        ].join('\n'),
      );
    }
    const here = await subscriptionsOfConversation(deps.db, request.teamId, request.channel.id);
    // In a DM with the app, the messages to the person's member ID land here too.
    const mine = request.channel.id.startsWith('D')
      ? await subscriptionsOfConversation(deps.db, request.teamId, request.userId)
      : [];
    const visible: SlackSubscription[] = [];
    for (const row of [...here, ...mine]) {
      if (await deps.stacks.stack(row.stackId, slack, 'read')) visible.push(row);
    }
    if (visible.length === 0) {
      return ephemeral(
        `This channel is subscribed to no stack you may see. \`${deps.command} subscribe <stackId>\` subscribes it; \`${deps.command} subscriptions <stackId>\` lists every channel subscribed to a stack.`,
      );
    }
    return ephemeral(
      [
        'This channel is subscribed to:',
        ...visible.map(
          (row) =>
            `• stack "${escapeSlackText(row.stackId)}"${isPerson(row.channelId) ? ` (to <@${row.channelId}>)` : ''}: ${line(row)}`,
        ),
        `\`${deps.command} subscribe <stackId> --events …\` changes what a stack posts here.`,
      ].join('\n'),
    );
  },
};

/** A subscription's conversation as Slack shows it: a channel link, or the person. */
function conversation(row: SlackSubscription): string {
  if (isPerson(row.channelId)) return `<@${row.channelId}> (direct messages)`;
  if (row.channelId.startsWith('D'))
    return `a direct message with the app (subscribed by <@${row.subscribedBy}>)`;
  return `<#${row.channelId}>`;
}

function line(row: SlackSubscription): string {
  const stopped = row.refusedAt
    ? ` — stopped: Slack answered ${escapeSlackText(row.refusedReason ?? 'with a refusal')}; subscribing again resumes it`
    : '';
  return `${describeSettings(settingsOf(row))}${stopped}`;
}

/** Posts a sample run message here, so people see that the set-up works before a run does. */
const test: SlackCommand = {
  name: 'test',
  usage: '<stackId>',
  summary:
    'post a sample run message of the stack in this channel, to check that Gantry can post here',
  stack: 'required',
  needs: 'read',
  async run(context) {
    const { deps, request, stack } = context;
    try {
      await subscriptionsOf(context).test(stack, request.teamId, request.channel.id);
    } catch (error) {
      return refused(error);
    }
    const name = escapeSlackText(stack.id);
    return ephemeral(
      `Posted a sample run message of stack "${name}" in this channel; it is marked as a test and has no buttons. Real runs post like it once the channel is subscribed (\`${deps.command} subscribe ${name}\`).`,
    );
  },
};

/** The subcommands that choose what a channel hears. */
export const SUBSCRIPTION_COMMANDS: SlackCommand[] = [subscribe, unsubscribe, subscriptions, test];
