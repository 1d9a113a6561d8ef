import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../platform/logger';
import type { SlackInput } from '../policy/evaluator';
import { type RunService } from '../runs/service';
import type { SlackFollowUps } from './followUps';
import type { SlackReply } from './replies';
import { NOT_INSTALLED, NotInstalledError, type SlackPeople } from './slackUser';
import { SlackStackAccess } from './stackAccess';
import { escapeSlackText, slackLink } from './text';
import { ConflictError } from '../platform/errors';
import { runUrl } from '../runs/links';
import { slackActor, takeDecision } from './decisions';
import type { SlackIdentities } from './identities';
import { ROLLBACK_ACTION, ROLLBACK_CANCEL_ACTION, whatFollows } from './runCommands';

/** The buttons Gantry makes, by action_id, and what each does. */
type Action = 'confirm' | 'discard' | 'rollback' | 'rollback-cancel';
const ACTIONS = new Map<string, Action>([
  ['gantry_confirm', 'confirm'],
  ['gantry_discard', 'discard'],
  [ROLLBACK_ACTION, 'rollback'],
  [ROLLBACK_CANCEL_ACTION, 'rollback-cancel'],
]);

const buttonValue = z.object({ stackId: z.string(), runId: z.string() });
const rollbackValue = z.object({
  stackId: z.string(),
  from: z.string(),
  sha: z.string(),
  proposal: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
});
const blockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({
    id: z.string(),
    username: z.string().optional(),
    team_id: z.string().optional(),
  }),
  team: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: z.string(), name: z.string().default('') }).optional(),
  response_url: z.string().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })),
});
type BlockActions = z.infer<typeof blockActions>;

interface InteractionDeps {
  people: SlackPeople;
  identities: SlackIdentities;
  publicUrl: string;
  /** The slash command, such as `/gantry`, for what answers tell people to type. */
  command: string;
  stacks: SlackStackAccess;
  runs: RunService;
  followUps: SlackFollowUps;
  logger: Logger;
}

/**
 * POST /slack/interactions, behind verifySlackRequest: Confirm and Discard on run messages,
 * and Roll back and Cancel on a proposed rollback. Slack is answered at once with an empty
 * 200, and the button's work is done after (see SlackFollowUps), since a decision waits for
 * the run's worker. A run message is edited by the notifier when the run moves on, so of a
 * decision only refusals are told, ephemerally, at response_url and without replacing the run
 * message; a rollback's answer replaces the proposal, so its buttons cannot be pressed twice.
 */
export function slackInteractionsHandler(deps: InteractionDeps): RequestHandler {
  const logger = deps.logger.child({ component: 'slack-interactions' });
  return (req, res) => {
    const body = req.body as { payload?: unknown };
    let payload: BlockActions | undefined;
    try {
      const parsed = blockActions.safeParse(JSON.parse(String(body.payload)));
      payload = parsed.success ? parsed.data : undefined;
    } catch {
      res.status(400).json({ error: 'the body carries no JSON payload field' });
      return;
    }
    res.status(200).end();
    const pressedAction = payload?.actions
      .map((action) => ({ ...action, does: ACTIONS.get(action.action_id) }))
      .find((action) => action.does);
    if (!payload?.response_url || !pressedAction?.does) return;
    const pressed = payload;
    const action = pressedAction.does;
    const named = {
      team: pressed.team?.id ?? pressed.user.team_id,
      user: pressed.user.id,
      channel: pressed.channel?.id,
      action,
    };
    const log = logger.child(named);
    const decision = action === 'confirm' || action === 'discard';
    const reply = (text: string): SlackReply => ({
      response_type: 'ephemeral',
      // A rollback's proposal is replaced by what came of it; a run message never is.
      replace_original: !decision,
      text,
    });
    deps.followUps.start({
      responseUrl: pressed.response_url,
      request: named,
      work: async () => {
        const text = await act(deps, pressed, action, pressedAction.value ?? '', log).catch(
          (error: Error) => {
            log.error({ err: error }, 'slack button failed');
            return `Gantry hit an error taking your ${action}: ${escapeSlackText(error.message)}. Try again; if it keeps happening, tell your Gantry admin.`;
          },
        );
        return text ? reply(text) : undefined;
      },
      notRun: reply(
        `Gantry was stopping and did not take your ${action}. Press the button again in a minute.`,
      ),
    });
  };
}

/** Does what the button says; what the person is told, when there is anything to tell. */
async function act(
  deps: InteractionDeps,
  payload: BlockActions,
  action: Action,
  value: string,
  log: Logger,
): Promise<string | undefined> {
  if (action === 'rollback-cancel') return 'Rollback not started; nothing was done.';
  const button = (action === 'rollback' ? rollbackValue : buttonValue).safeParse(safeJson(value));
  if (!button.success) return 'This button is not one Gantry made; nothing was done.';
  const { stackId } = button.data;
  const teamId = payload.team?.id ?? payload.user.team_id ?? '';
  let slack: SlackInput;
  try {
    slack = await deps.people.input({
      command: '',
      teamId,
      userId: payload.user.id,
      channel: { id: payload.channel?.id ?? '', name: payload.channel?.name ?? '' },
    });
  } catch (error) {
    if (error instanceof NotInstalledError) {
      log.info('slack button from a workspace without the app');
      return NOT_INSTALLED;
    }
    log.warn({ err: error }, 'reading the slack user of a button');
    return `Slack did not tell Gantry who you are (${escapeSlackText((error as Error).message)}). Try again in a minute.`;
  }
  const identity = await deps.identities.of(teamId, payload.user.id);
  if (action === 'rollback' && !identity) {
    return `A rollback acts as you, so Gantry needs to know who you are: \`${deps.command} link\` tells you how to link your Slack account to your Gantry login. Nothing was done.`;
  }
  const stack = await deps.stacks.stack(stackId, slack, 'write', identity);
  if (!stack) {
    log.info({ stackId }, 'slack button refused: no such stack, or its policies do not allow');
    return `Nothing was done. ${SlackStackAccess.refusal(stackId, 'write')}`;
  }
  if (action === 'rollback') {
    const { from, sha, proposal } = button.data as z.infer<typeof rollbackValue>;
    try {
      const { run, created } = await deps.runs.rollback(stack.id, {
        from,
        sha,
        proposal,
        triggeredBy: identity!.login,
      });
      const link = slackLink(runUrl(deps.publicUrl, stack.id, run.id), `run ${run.id}`);
      return created
        ? `Rolling back stack "${escapeSlackText(stack.id)}" to \`${sha.slice(0, 8)}\`: ${link}, started by ${escapeSlackText(identity!.login)}. ${whatFollows(stack)}`
        : `This rollback was started already: ${link}. Nothing more was done.`;
    } catch (error) {
      if (error instanceof ConflictError) {
        return `No rollback was started: ${escapeSlackText(error.message)}.`;
      }
      throw error;
    }
  }
  const { runId } = button.data as z.infer<typeof buttonValue>;
  const taken = await takeDecision(
    deps.runs,
    stack,
    runId,
    action,
    slackActor(slack, identity, payload.user.username ?? payload.user.id),
  );
  if ('refused' in taken) return taken.refused;
  return taken.pending
    ? `Your ${action} is recorded; no worker has taken it yet, so the run applies it once one is back.`
    : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
