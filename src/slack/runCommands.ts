import { ConflictError } from '../platform/errors';
import { runUrl } from '../runs/links';
import { RunType } from '../runs/types';
import type { SlackCommand } from './command';
import { ephemeral } from './replies';
import { refusalOfChannel } from './store';
import { channelOf } from './subscriptionCommands';
import { escapeSlackText } from './text';

const status: SlackCommand = {
  name: 'status',
  usage: '<stackId>',
  summary: "the stack's latest tracked run",
  stack: 'required',
  needs: 'read',
  async run(context) {
    const { deps, stack } = context;
    const name = escapeSlackText(stack.id);
    const [latest] = await deps.runs.listRuns(stack.id, { types: [RunType.TRACKED] });
    const refused = await refusalOfChannel(deps.db, channelOf(context));
    // Told here because nobody in the channel sees the messages that stopped.
    const stopped = refused?.at
      ? `\nRun messages of this stack stopped reaching this channel on ${slackDate(refused.at)}: Slack answered ${escapeSlackText(refused.reason ?? 'with a refusal')}. Invite the Gantry app to the channel or unarchive it, then \`${deps.command} subscribe ${name}\` resumes them.`
      : '';
    if (!latest) {
      return ephemeral(
        `Stack "${name}" has no tracked runs yet. \`${deps.command} trigger ${name}\` starts one.${stopped}`,
      );
    }
    const title = latest.commitMessage.split('\n')[0];
    return ephemeral(
      `The latest tracked run of stack "${name}" is ${latest.state}, at commit \`${escapeSlackText(latest.commitHash.slice(0, 8))}\`${title ? ` (${escapeSlackText(title)})` : ''}: ${runUrl(deps.publicUrl, latest.stackId, latest.id)}${stopped}`,
    );
  },
};

const trigger: SlackCommand = {
  name: 'trigger',
  usage: '<stackId>',
  summary: "start a tracked run of the stack's branch",
  stack: 'required',
  needs: 'write',
  async run({ deps, request, stack }) {
    const name = escapeSlackText(stack.id);
    try {
      const run = await deps.runs.trackHead(stack.id, { triggeredBy: `slack:${request.userId}` });
      return ephemeral(
        `Triggered a tracked run of stack "${name}" at commit \`${escapeSlackText(run.commitHash.slice(0, 8))}\`: ${runUrl(deps.publicUrl, stack.id, run.id)}`,
      );
    } catch (error) {
      if (error instanceof ConflictError) {
        return ephemeral(`No run was triggered: ${escapeSlackText(error.message)}.`);
      }
      throw error;
    }
  },
};

/** A date each reader sees in their own time zone. */
export function slackDate(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${at.toISOString()}>`;
}

/** The subcommands that read and start runs. */
export const RUN_COMMANDS: SlackCommand[] = [status, trigger];
