import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../platform/logger';
import type { SlackInput } from '../policy/evaluator';
import { type RunService } from '../runs/service';
import type { SlackFollowUps } from './followUps';
import type { SlackReply } from './replies';
import { NOT_INSTALLED, NotInstalledError, type SlackPeople } from './slackUser';
import { SlackStackAccess } from './stackAccess';
import { escapeSlackText } from './text';
import { ConflictError, NotFoundError } from '../platform/errors';

/** The buttons of a run message (src/slack/notifier.ts) and what each decides. */
const DECISIONS = new Map<string, 'confirm' | 'discard'>([
  ['gantry_confirm', 'confirm'],
  ['gantry_discard', 'discard'],
]);

const buttonValue = z.object({ stackId: z.string(), runId: z.string() });
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
  stacks: SlackStackAccess;
  runs: RunService;
  followUps: SlackFollowUps;
  logger: Logger;
}

/**
 * POST /slack/interactions, behind verifySlackRequest: Confirm and Discard on run messages.
 * Slack is answered at once with an empty 200, and the decision is taken after (see
 * SlackFollowUps), since it waits for the run's worker; the run message is edited by the
 * notifier when the run moves on, so only refusals are told, ephemerally, at response_url
 * and without replacing the run message.
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
    const decision = payload?.actions
      .map((action) => ({ ...action, decision: DECISIONS.get(action.action_id) }))
      .find((action) => action.decision);
    if (!payload?.response_url || !decision?.decision) return;
    const pressed = payload;
    const chosen = decision.decision;
    const named = {
      team: pressed.team?.id ?? pressed.user.team_id,
      user: pressed.user.id,
      channel: pressed.channel?.id,
      decision: chosen,
    };
    const log = logger.child(named);
    const reply = (text: string): SlackReply => ({
      response_type: 'ephemeral',
      replace_original: false,
      text,
    });
    deps.followUps.start({
      responseUrl: pressed.response_url,
      request: named,
      work: async () => {
        const text = await decide(deps, pressed, chosen, decision.value ?? '', log).catch(
          (error: Error) => {
            log.error({ err: error }, 'slack decision failed');
            return `Gantry hit an error taking your decision: ${escapeSlackText(error.message)}. Try again; if it keeps happening, tell your Gantry admin.`;
          },
        );
        return text ? reply(text) : undefined;
      },
      notRun: reply(
        `Gantry was stopping and did not take your ${chosen}. Press the button again in a minute.`,
      ),
    });
  };
}

/** Takes the decision; what the person is told, when there is anything to tell. */
async function decide(
  deps: InteractionDeps,
  payload: BlockActions,
  decision: 'confirm' | 'discard',
  value: string,
  log: Logger,
): Promise<string | undefined> {
  const button = buttonValue.safeParse(safeJson(value));
  if (!button.success) return 'This button is not one Gantry made; nothing was done.';
  const { stackId, runId } = button.data;
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
      log.info('slack decision from a workspace without the app');
      return NOT_INSTALLED;
    }
    log.warn({ err: error }, 'reading the slack user of a decision');
    return `Slack did not tell Gantry who you are (${escapeSlackText((error as Error).message)}). Try again in a minute.`;
  }
  const stack = await deps.stacks.stack(stackId, slack, 'write');
  if (!stack) {
    log.info(
      { stackId, runId },
      'slack decision refused: no such stack, or its policies do not allow',
    );
    return `Nothing was done. ${SlackStackAccess.refusal(stackId, 'write')}`;
  }
  const who =
    slack.user.display_name || slack.user.real_name || payload.user.username || payload.user.id;
  try {
    const { pending } = await deps.runs.decide(stack.id, runId, decision, `${who} (Slack)`);
    return pending
      ? `Your ${decision} is recorded; no worker has taken it yet, so the run applies it once one is back.`
      : undefined;
  } catch (error) {
    if (error instanceof NotFoundError) {
      return `Run ${escapeSlackText(runId)} of stack "${escapeSlackText(stack.id)}" no longer exists; nothing was done.`;
    }
    if (error instanceof ConflictError) {
      return `This run was already decided, so your ${decision} changed nothing: ${escapeSlackText(error.message)}.`;
    }
    throw error;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
