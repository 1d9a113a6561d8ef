import type { KnownBlock } from '@slack/web-api';
import { RunState, RunType, type Delta } from '../runs/types';
import { deltaText, type RunView } from '../runs/view';
import { escapeSlackText, slackLink } from './text';

/** The contract the interactions handler relies on: these ids and a `{ stackId, runId }` value. */
export const DECISION_BLOCK_ID = 'gantry_decision';
export const CONFIRM_ACTION_ID = 'gantry_confirm';
export const DISCARD_ACTION_ID = 'gantry_discard';

// Slack refuses a section over 3,000 characters; a long plan is summed up, not listed.
const MAX_ADDRESSES_PER_LIST = 10;

const TYPE_NAMES: Record<RunType, string> = {
  [RunType.TRACKED]: 'tracked run',
  [RunType.PROPOSED]: 'proposed run',
  [RunType.TASK]: 'task',
};

/** What `/gantry test` posts on top of its sample run, so nobody takes it for a real one. */
export const TEST_NOTICE = 'Test message from Gantry: no run is behind it, and it has no buttons.';

/**
 * A run's message as chat.postMessage and chat.update take it, with links to the run at `url`.
 * With `test`, it is a sample: marked as a test, and never with the buttons that decide a run.
 */
export function runMessage(
  run: RunView,
  url: string,
  options: { test?: boolean } = {},
): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    ...(options.test
      ? [{ type: 'section', text: { type: 'mrkdwn', text: `*${TEST_NOTICE}*` } } as KnownBlock]
      : []),
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${slackLink(url, run.stack.name)}* · ${TYPE_NAMES[run.type]} ${slackLink(url, run.id)}\n*State:* \`${run.state}\``,
      },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: commitLine(run) }] },
  ];
  if (run.delta) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: deltaSection(run.delta) } });
  }
  if (run.decision) {
    const verb = run.decision.state === RunState.CONFIRMED ? 'Confirmed' : 'Discarded';
    const who = run.decision.username ? ` by ${escapeSlackText(run.decision.username)}` : '';
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${verb}${who}` }] });
  }
  if (run.state === RunState.UNCONFIRMED && !options.test) {
    const value = JSON.stringify({ stackId: run.stack.id, runId: run.id });
    blocks.push({
      type: 'actions',
      block_id: DECISION_BLOCK_ID,
      elements: [
        {
          type: 'button',
          action_id: CONFIRM_ACTION_ID,
          text: { type: 'plain_text', text: 'Confirm' },
          style: 'primary',
          value,
        },
        {
          type: 'button',
          action_id: DISCARD_ACTION_ID,
          text: { type: 'plain_text', text: 'Discard' },
          style: 'danger',
          value,
        },
      ],
    });
  }
  const text = fallbackText(run);
  return { text: options.test ? `${TEST_NOTICE} ${text}` : text, blocks };
}

/**
 * The plain text notifications and screen readers show instead of the blocks. Slack reads
 * markup here too, so names are escaped as in the blocks.
 */
function fallbackText(run: RunView): string {
  const delta = run.delta ? ` (${deltaText(run.delta)})` : '';
  const decided = run.decision?.username
    ? `, ${run.decision.state === RunState.CONFIRMED ? 'confirmed' : 'discarded'} by ${escapeSlackText(run.decision.username)}`
    : '';
  return `${escapeSlackText(run.stack.name)}: ${TYPE_NAMES[run.type]} ${run.id} is ${run.state}${delta}${decided}`;
}

function commitLine(run: RunView): string {
  const sha = run.commit.hash.slice(0, 7);
  const commit = run.commit.url ? slackLink(run.commit.url, sha) : `\`${escapeSlackText(sha)}\``;
  const message = run.commit.message
    ? ` ${escapeSlackText(run.commit.message.split('\n')[0]!)}`
    : '';
  const command = run.command ? ` · \`${escapeSlackText(run.command)}\`` : '';
  return `Commit ${commit}${message}${command}`;
}

function deltaSection(delta: Delta): string {
  const lists = [
    ['To add', delta.addResources],
    ['To change', delta.changeResources],
    ['To delete', delta.deleteResources],
  ] as const;
  const lines = [`*Plan:* \`${deltaText(delta)}\``];
  for (const [title, addresses] of lists) {
    if (addresses.length === 0) continue;
    const shown = addresses
      .slice(0, MAX_ADDRESSES_PER_LIST)
      .map((address) => `\`${escapeSlackText(address)}\``);
    const more = addresses.length - shown.length;
    lines.push(`${title}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  return lines.join('\n');
}
