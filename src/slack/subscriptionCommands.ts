import { ulid } from 'ulid';
import type { CommandContext, SlackCommand } from './command';
import { ephemeral } from './replies';
import { subscribeChannel, unsubscribeChannel } from './store';
import { escapeSlackText } from './text';

/** The command's channel, as subscribed to the stack. */
export function channelOf({ request, stack }: CommandContext) {
  return { stackId: stack.id, teamId: request.teamId, channelId: request.channel.id };
}

/**
 * Subscribes the channel, or resumes a subscription the notifier stopped after Slack refused
 * the channel (see SlackNotifier): subscribing again is how a channel says it can take messages.
 */
const subscribe: SlackCommand = {
  name: 'subscribe',
  usage: '<stackId>',
  summary:
    "post this stack's tracked runs in this channel, with Confirm and Discard buttons while a run waits",
  stack: 'required',
  needs: 'read',
  async run(context) {
    const { deps, request, stack } = context;
    const id = ulid();
    const row = await subscribeChannel(deps.db, {
      id,
      ...channelOf(context),
      channelName: request.channel.name,
      subscribedBy: request.userId,
    });
    const name = escapeSlackText(stack.id);
    const stop = `\`${deps.command} unsubscribe ${name}\` stops them.`;
    if (!row) {
      return ephemeral(`This channel is already subscribed to stack "${name}"; nothing changed.`);
    }
    return ephemeral(
      row.id === id
        ? `This channel is now subscribed to stack "${name}": its tracked runs will be posted here. ${stop}`
        : `This channel is subscribed to stack "${name}" again: its tracked runs will be posted here once more. If they stop again, Slack refused the channel; invite the Gantry app to it or unarchive it, then subscribe again. ${stop}`,
    );
  },
};

const unsubscribe: SlackCommand = {
  name: 'unsubscribe',
  usage: '<stackId>',
  summary: "stop posting this stack's runs here",
  stack: 'required',
  needs: 'read',
  async run(context) {
    const { deps, stack } = context;
    const removed = await unsubscribeChannel(deps.db, channelOf(context));
    const name = escapeSlackText(stack.id);
    return ephemeral(
      removed
        ? `This channel is unsubscribed from stack "${name}"; its runs are no longer posted here.`
        : `This channel is not subscribed to stack "${name}"; nothing changed. \`${deps.command} subscribe ${name}\` subscribes it.`,
    );
  },
};

/** The subcommands that choose what a channel hears. */
export const SUBSCRIPTION_COMMANDS: SlackCommand[] = [subscribe, unsubscribe];
