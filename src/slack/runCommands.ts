import { ConflictError } from '../platform/errors';
import { runUrl, stackUrl } from '../runs/links';
import { RunType } from '../runs/types';
import { ulid } from '../platform/ids';
import type { Run } from '../runs/store';
import type { Stack } from '../stacks/service';
import { VcsError } from '../vcs';
import type { CommandDeps, SlackCommand } from './command';
import { slackActor, slackTrigger, takeDecision, type Decision } from './decisions';
import { ephemeral } from './replies';
import { refusalOfChannel } from './store';
import { channelOf } from './subscriptionCommands';
import { escapeSlackText, slackLink } from './text';

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
  async run({ deps, request, stack, identity }) {
    const name = escapeSlackText(stack.id);
    try {
      const run = await deps.runs.trackHead(stack.id, {
        triggeredBy: slackTrigger(request.userId, identity),
      });
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

const deploy: SlackCommand = {
  name: 'deploy',
  usage: '<stackId> [branch|tag|sha]',
  summary:
    "start a tracked run at a branch, a tag or a commit (the stack's tracked commit when none is named); it plans and waits for a confirm as any tracked run",
  stack: 'required',
  needs: 'write',
  identity: 'required',
  async run({ deps, request, stack, identity, args }) {
    const name = escapeSlackText(stack.id);
    const [ref] = args;
    try {
      if (!ref) {
        const run = await deps.runs.trackHead(stack.id, {
          triggeredBy: slackTrigger(request.userId, identity),
        });
        return ephemeral(
          `Deploying stack "${name}" at its tracked commit ${commitText(run)}: ${runLink(deps, run)}. ${whatFollows(stack)}`,
        );
      }
      const { run, kind } = await deps.runs.deploy(stack.id, {
        ref,
        triggeredBy: slackTrigger(request.userId, identity),
      });
      const at = kind === 'commit' ? 'commit' : `${kind} \`${escapeSlackText(ref)}\`, commit`;
      return ephemeral(
        `Deploying stack "${name}" at ${at} ${commitText(run)}: ${runLink(deps, run)}. ${whatFollows(stack)}`,
      );
    } catch (error) {
      if (error instanceof ConflictError || error instanceof VcsError) {
        return ephemeral(`Nothing was deployed: ${escapeSlackText(error.message)}.`);
      }
      throw error;
    }
  },
};

const rollback: SlackCommand = {
  name: 'rollback',
  usage: '<stackId>',
  summary:
    'propose a tracked run at the commit of the last FINISHED tracked run before the current one, started only once you press Roll back',
  stack: 'required',
  needs: 'write',
  identity: 'required',
  async run({ deps, stack }) {
    const name = escapeSlackText(stack.id);
    const { current, target } = await deps.runs.rollbackRuns(stack.id);
    if (!current) {
      return ephemeral(
        `Stack "${name}" has applied no tracked run yet: there is nothing to roll back.`,
      );
    }
    if (!target) {
      return ephemeral(
        `Stack "${name}" is at ${commitText(current)} (${runLink(deps, current)}), and has no FINISHED tracked run at an earlier commit to go back to. \`${deps.command} deploy ${name} &lt;sha&gt;\` deploys any commit.`,
      );
    }
    const text = `Roll back stack "${name}" from ${commitText(current)} (${runLink(deps, current)}, ${current.state}) to ${commitText(target)}, where ${runLink(deps, target)} finished on ${slackDate(target.createdAt)}? ${whatFollows(stack)}`;
    const proposal: RollbackProposal = {
      stackId: stack.id,
      from: current.id,
      sha: target.commitHash,
      proposal: ulid(),
    };
    return ephemeral(text, [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ROLLBACK_ACTION,
            style: 'danger',
            text: { type: 'plain_text', text: `Roll back to ${target.commitHash.slice(0, 8)}` },
            value: JSON.stringify(proposal),
          },
          {
            type: 'button',
            action_id: ROLLBACK_CANCEL_ACTION,
            text: { type: 'plain_text', text: 'Cancel' },
            value: JSON.stringify(proposal),
          },
        ],
      },
    ]);
  },
};

/** The rollback a Roll back button starts, as its value carries it. */
export interface RollbackProposal {
  stackId: string;
  /** The stack's current run when the rollback was proposed. */
  from: string;
  sha: string;
  /** Unique to each proposal: one run per proposal, and a new proposal after a discard. */
  proposal: string;
}
export const ROLLBACK_ACTION = 'gantry_rollback';
export const ROLLBACK_CANCEL_ACTION = 'gantry_rollback_cancel';

// A Slack answer stays short; the console lists the rest.
const RUNS_SHOWN = 10;

const runs: SlackCommand = {
  name: 'runs',
  usage: '<stackId>',
  summary: "the stack's last runs, with links",
  stack: 'required',
  needs: 'read',
  async run({ deps, stack }) {
    const name = escapeSlackText(stack.id);
    const page = await deps.runs.listRuns(stack.id, {
      types: [RunType.TRACKED, RunType.PROPOSED, RunType.TASK],
    });
    if (page.length === 0) {
      return ephemeral(
        `Stack "${name}" has no runs yet. \`${deps.command} trigger ${name}\` starts one.`,
      );
    }
    const lines = page.slice(0, RUNS_SHOWN).map((run) => {
      const title = run.commitMessage.split('\n')[0];
      return `• ${slackLink(runUrl(deps.publicUrl, run.stackId, run.id), run.id)} ${run.type.toLowerCase()} *${run.state}* at ${commitText(run)}${title ? ` ${escapeSlackText(title)}` : ''}, ${slackDate(run.createdAt)}${run.triggeredBy ? ` by ${escapeSlackText(run.triggeredBy)}` : ''}`;
    });
    const more =
      page.length > RUNS_SHOWN ? `\nOlder runs: ${stackUrl(deps.publicUrl, stack.id)}` : '';
    return ephemeral(`The last runs of stack "${name}", newest first:\n${lines.join('\n')}${more}`);
  },
};

/** `confirm` and `discard` typed, for people who prefer it to the buttons. */
function decisionCommand(decision: Decision): SlackCommand {
  return {
    name: decision,
    usage: '<stackId> <runId>',
    summary:
      decision === 'confirm'
        ? 'confirm a run waiting for a decision, as its Confirm button does'
        : 'discard a run waiting for a decision, as its Discard button does',
    stack: 'required',
    needs: 'write',
    async run({ deps, request, stack, slack, identity, args }) {
      const [runId] = args;
      if (!runId) {
        return ephemeral(
          `Name the run: \`${deps.command} ${decision} ${escapeSlackText(stack.id)} &lt;runId&gt;\`; \`${deps.command} runs ${escapeSlackText(stack.id)}\` lists them.`,
        );
      }
      const taken = await takeDecision(
        deps.runs,
        stack,
        runId,
        decision,
        slackActor(slack, identity, request.userId),
      );
      if ('refused' in taken) return ephemeral(taken.refused);
      const link = slackLink(runUrl(deps.publicUrl, stack.id, runId), runId);
      return ephemeral(
        taken.pending
          ? `Your ${decision} of run ${link} is recorded; no worker has taken it yet, so the run applies it once one is back.`
          : `Run ${link} of stack "${escapeSlackText(stack.id)}" is ${decision === 'confirm' ? 'confirmed' : 'discarded'}.`,
      );
    },
  };
}

/** What a tracked run started from Slack does next: wait for a confirm, or apply at once. */
export function whatFollows(stack: Pick<Stack, 'autodeploy'>): string {
  return stack.autodeploy
    ? 'The stack deploys automatically: the run applies its plan without waiting for a confirm.'
    : 'The run plans, then waits for a confirm.';
}

function commitText(run: Pick<Run, 'commitHash'>): string {
  return `\`${escapeSlackText(run.commitHash.slice(0, 8))}\``;
}

function runLink(deps: CommandDeps, run: Pick<Run, 'id' | 'stackId'>): string {
  return slackLink(runUrl(deps.publicUrl, run.stackId, run.id), `run ${run.id}`);
}

/** A date each reader sees in their own time zone. */
export function slackDate(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${at.toISOString()}>`;
}

/** The subcommands that read and start runs. */
export const RUN_COMMANDS: SlackCommand[] = [
  status,
  runs,
  trigger,
  deploy,
  rollback,
  decisionCommand('confirm'),
  decisionCommand('discard'),
];
