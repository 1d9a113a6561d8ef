import { InvalidInputError } from '../platform/errors';
import type { CommandContext, FreeContext, SlackCommand } from './command';
import { ephemeral, type SlackReply } from './replies';
import { SlackStackAccess } from './stackAccess';
import {
  subscriptionsOfConversation,
  subscriptionsOfStackInTeam,
  unsubscribeChannel,
  type SlackSubscription,
} from './store';
import { describeSettings, parseSubscribeOptions, SELF } from './subscriptionSettings';
import { isPerson, settingsOf, SlackSubscriptions } from './subscriptions';
import { escapeSlackText } from './text';
import { DIRECT_MESSAGE } from './channels';

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
  '<stackId> [--events all|unconfirmed,finished,failed,…] [--only-failures] [--branches default|all|<glob>] [--types all|tracked,proposed,tasks] [--to me]';

/**
 * Whether `--to` names the person who asks. Nobody subscribes someone else from Slack: stack
 * policies judge the caller and the channel, never the person the messages would go to, so
 * only a Gantry admin subscribes another person, through GraphQL.
 */
function isSelf(to: string, { request }: Pick<CommandContext, 'request'>): boolean {
  return to === SELF || to === request.userId;
}

/**
 * Whether the person may read the stack in their direct messages with the app, where a
 * subscription to them posts: what a channel lets its members see, they keep only while they
 * are there, so a personal copy is judged as the DM it goes to.
 */
async function readsInDm(context: CommandContext): Promise<boolean> {
  const { deps, slack, stack, identity, request } = context;
  if (request.channel.name === DIRECT_MESSAGE) return true;
  const inDm = { ...slack, channel: { id: '', name: DIRECT_MESSAGE } };
  return Boolean(await deps.stacks.stack(stack.id, inDm, 'read', identity));
}

function onlyAdmins(context: Pick<CommandContext, 'deps'>, stackId: string): SlackReply {
  return ephemeral(
    `Nothing changed: you can subscribe only yourself (\`${context.deps.command} subscribe ${escapeSlackText(stackId)} --to me\`); only a Gantry admin can subscribe another person, through GraphQL (\`slackSubscriptionCreate\`).`,
  );
}

/**
 * Subscribes the channel, the person who asks (`--to me`), or changes what a subscription hears; also
 * resumes a subscription the notifier stopped after Slack refused the channel (see
 * SlackNotifier): subscribing again is how a channel says it can take messages. Settings not
 * given stay as they were, so subscribing again to resume keeps them.
 */
const subscribe: SlackCommand = {
  name: 'subscribe',
  usage: SETTINGS_USAGE,
  summary:
    "post this stack's runs in this channel (or to you, with `--to me`), with Confirm and Discard buttons while a run waits; the options choose which runs, and subscribing again changes them",
  stack: 'required',
  needs: 'read',
  async run(context) {
    const { deps, request, stack, slack } = context;
    let target: { id: string; name: string };
    let change;
    try {
      const options = parseSubscribeOptions(context.args);
      if (options.to && !isSelf(options.to, context)) return onlyAdmins(context, stack.id);
      change = options.change;
      target = options.to
        ? {
            id: request.userId,
            name: `@${slack.user.display_name || slack.user.real_name || request.userId}`,
          }
        : { id: request.channel.id, name: slack.channel.name };
    } catch (error) {
      return refused(error);
    }
    const name = escapeSlackText(stack.id);
    if (isPerson(target.id) && !(await readsInDm(context))) {
      return ephemeral(
        `Nothing changed: messages to you go to your direct messages with the Gantry app, and there the stack access policies do not let you read stack "${name}" (here it is this channel that lets you in). Subscribe this channel instead, or ask a Gantry admin for a policy that lets you in wherever you are, for example through your linked Gantry login.`,
      );
    }
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
    const you = isPerson(target.id);
    const [here, stays] = you ? ['You are', 'You stay'] : ['This channel is', 'This channel stays'];
    const where = you ? ' The messages go to your direct messages with the Gantry app.' : '';
    const stop = you
      ? `To stop them, type \`${deps.command} unsubscribe ${name}\` in your direct messages with the Gantry app, or \`${deps.command} unsubscribe ${name} --to me\` anywhere.`
      : `\`${deps.command} unsubscribe ${name}\` stops them.`;
    switch (subscribed.outcome) {
      case 'unchanged':
        return ephemeral(
          `${here} already subscribed to stack "${name}" with these settings: ${settings}; nothing changed.`,
        );
      case 'created':
        return ephemeral(`${here} now subscribed to stack "${name}": ${settings}.${where} ${stop}`);
      case 'changed':
        return ephemeral(`${stays} subscribed to stack "${name}", now with: ${settings}. ${stop}`);
      case 'resumed':
        return ephemeral(
          `${here} subscribed to stack "${name}" again: ${settings}. If the messages stop again, Slack refused the channel; invite the Gantry app to it or unarchive it, then subscribe again. ${stop}`,
        );
    }
  },
};

const UNSUBSCRIBE_USAGE = '<stackId> [--to me]';

/**
 * Unsubscribes the channel, or the person who asks (`--to me`). A person's own subscriptions
 * (to their member ID, and of the DM they type in, whose messages only they see) are removed
 * before the stack is judged: they name the person, who gets the stack's messages already, so
 * someone who may not read the stack (subscribed by an admin, or whose access went away) can
 * still stop them. Anything else needs read, and a stack the caller may not read gets the
 * answer of one that does not exist, as every stack command's does.
 */
const unsubscribe: SlackCommand = {
  name: 'unsubscribe',
  usage: UNSUBSCRIBE_USAGE,
  summary: "stop posting this stack's runs here (or to you, with `--to me`)",
  stack: 'none',
  needs: 'read',
  async run(context) {
    const { deps, request, slack, identity, log } = context;
    const [stackId, ...words] = context.args;
    if (stackId === undefined || stackId.startsWith('--')) {
      return ephemeral(
        escapeSlackText(`Name the stack: \`${deps.command} unsubscribe ${UNSUBSCRIBE_USAGE}\`.`),
      );
    }
    let to: string | undefined;
    let invalid: unknown;
    try {
      const options = parseSubscribeOptions(words);
      if (
        Object.keys(options.change).some((key) => options.change[key as 'events'] !== undefined)
      ) {
        throw new InvalidInputError(
          `unsubscribe takes no settings; \`${deps.command} subscribe ${stackId} …\` changes them`,
        );
      }
      to = options.to;
    } catch (error) {
      invalid = error;
    }
    const self = to !== undefined && isSelf(to, context);
    const own =
      invalid !== undefined
        ? []
        : self
          ? [request.userId]
          : to === undefined && request.channel.id.startsWith('D')
            ? [request.channel.id, request.userId]
            : [];
    const name = escapeSlackText(stackId);
    if (await unsubscribeAll(context, stackId, own)) {
      return ephemeral(
        self
          ? `You are unsubscribed from stack "${name}"; its runs are no longer posted to you.`
          : `This channel is unsubscribed from stack "${name}"; its runs are no longer posted here.`,
      );
    }
    const stack = await deps.stacks.stack(stackId, slack, 'read', identity);
    if (!stack) {
      log.info(
        { stackId, needed: 'read' },
        'slack command refused: no such stack, or its policies do not allow',
      );
      return ephemeral(SlackStackAccess.refusal(stackId, 'read'));
    }
    if (invalid !== undefined) return refused(invalid);
    const shown = escapeSlackText(stack.id);
    if (to !== undefined && !self) {
      return ephemeral(
        `Nothing changed: you can unsubscribe only yourself (\`${deps.command} unsubscribe ${shown} --to me\`); only a Gantry admin can unsubscribe another person, through GraphQL (\`slackSubscriptionDelete\`).`,
      );
    }
    if (own.length === 0 && (await unsubscribeAll(context, stack.id, [request.channel.id]))) {
      return ephemeral(
        `This channel is unsubscribed from stack "${shown}"; its runs are no longer posted here.`,
      );
    }
    return ephemeral(
      self
        ? `You are not subscribed to stack "${shown}"; nothing changed. \`${deps.command} subscribe ${shown} --to me\` subscribes you.`
        : `This channel is not subscribed to stack "${shown}"; nothing changed. \`${deps.command} subscribe ${shown}\` subscribes it.`,
    );
  },
};

/** Removes the stack's subscriptions of these conversations; whether there was one. */
async function unsubscribeAll(
  { deps, request }: FreeContext,
  stackId: string,
  channelIds: string[],
): Promise<boolean> {
  let removed = false;
  for (const channelId of channelIds) {
    removed =
      (await unsubscribeChannel(deps.db, { stackId, teamId: request.teamId, channelId })) ||
      removed;
  }
  return removed;
}

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
    const { deps, request, stack, slack, identity } = context;
    if (stack) {
      const all = await subscriptionsOfStackInTeam(deps.db, stack.id, request.teamId);
      // Other people's own subscriptions are theirs: counted, not named.
      const personal = (row: SlackSubscription) =>
        isPerson(row.channelId) || row.channelId.startsWith('D');
      const mine = (row: SlackSubscription) =>
        row.channelId === request.userId || row.channelId === request.channel.id;
      const rows = all.filter((row) => !personal(row) || mine(row));
      const others = all.length - rows.length;
      const name = escapeSlackText(stack.id);
      const people =
        others > 0
          ? `\n…and ${others} ${others === 1 ? "person's" : "people's"} direct messages with the app.`
          : '';
      if (rows.length === 0 && others === 0) {
        return ephemeral(
          `No channel of this workspace is subscribed to stack "${name}". \`${deps.command} subscribe ${name}\` subscribes this one.`,
        );
      }
      return ephemeral(
        [
          `Subscribed to stack "${name}":`,
          ...rows.map((row) => `• ${conversation(row)}: ${line(row)}`),
        ].join('\n') + people,
      );
    }
    const inDm = request.channel.id.startsWith('D');
    const here = await subscriptionsOfConversation(deps.db, request.teamId, request.channel.id);
    // In a DM with the app, the messages to the person's member ID land here too.
    const mine = inDm
      ? await subscriptionsOfConversation(deps.db, request.teamId, request.userId)
      : [];
    const visible: SlackSubscription[] = [];
    for (const row of [...here, ...mine]) {
      // What lands in the person's own DM they see anyway, and may stop (see unsubscribe).
      if (inDm || (await deps.stacks.stack(row.stackId, slack, 'read', identity))) {
        visible.push(row);
      }
    }
    if (visible.length === 0) {
      return ephemeral(
        `This channel is subscribed to no stack you may see. \`${deps.command} subscribe &lt;stackId&gt;\` subscribes it; \`${deps.command} subscriptions &lt;stackId&gt;\` lists every channel subscribed to a stack.`,
      );
    }
    return ephemeral(
      [
        'This channel is subscribed to:',
        ...visible.map(
          (row) =>
            `• stack "${escapeSlackText(row.stackId)}"${isPerson(row.channelId) ? ` (to <@${row.channelId}>)` : ''}: ${line(row)}`,
        ),
        `\`${deps.command} subscribe &lt;stackId&gt; --events …\` changes what a stack posts here.`,
      ].join('\n'),
    );
  },
};

/** A subscription's conversation as Slack shows it: a channel link, or the person. */
function conversation(row: SlackSubscription): string {
  if (isPerson(row.channelId)) return `<@${row.channelId}> (direct messages)`;
  if (row.channelId.startsWith('D'))
    return `a direct message with the app (subscribed by ${subscriber(row)})`;
  return `<#${row.channelId}>`;
}

/** Who subscribed: a Slack mention, or an admin through GraphQL (subscribedBy `gantry:<login>`). */
function subscriber(row: SlackSubscription): string {
  return isPerson(row.subscribedBy) ? `<@${row.subscribedBy}>` : 'a Gantry admin';
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
