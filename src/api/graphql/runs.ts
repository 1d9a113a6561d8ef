import { ForbiddenError, InvalidInputError } from '../../platform/errors';
import { RunTokens } from '../../runs/tokens';
import type { Decision } from '../../runs/service';
import { RUN_TYPES, type Run as RunRow, type RunList, type RunReview } from '../../runs/store';
import { isTerminal, RunType, TOOL_STATES, type RunState } from '../../runs/types';
import type { GraphQLContext } from './context';
import { writableStack } from './guard';
import type { GraphQLResolveInfo } from 'graphql';
import type { Resolvers, Run } from './types.generated';
import { seconds } from './models';
import { askedFields } from './selection';

/** A review as the API shows it. */
function reviewOf(review: RunReview) {
  return {
    id: review.id,
    decision: review.decision,
    note: review.note,
    timestamp: seconds(review.createdAt),
    username: review.username,
  };
}

/** Which of a stack's lists holds runs of each type. */
const LIST_OF = new Map(Object.entries(RUN_TYPES).map(([list, type]) => [type, list as RunList]));

const LOGGING_STATES = new Set<string>(TOOL_STATES);

/**
 * A decision on a run, by a writer of its stack; answers with the run in the state the decision
 * put it in (CONFIRMED for a confirmation), even if the run has already moved on when it is read.
 */
function decide(decision: Decision) {
  return async (
    _parent: unknown,
    args: { stack: string; run: string; note?: string | null },
    context: GraphQLContext,
  ) => {
    await writableStack(context, args.stack);
    if (decision === 'confirm' || decision === 'discard') refuseOwnRun(context, args.run, decision);
    const { runs } = context.services;
    const decided = await runs.decide(args.stack, args.run, decision, context.viewer!.id, {
      note: args.note ?? null,
    });
    const run = await runs.run(args.run);
    return decided.pending ? run : { ...run, state: decided.state };
  };
}

/**
 * What a person decides of a run is not for the run's own code: a run's token may confirm,
 * discard or replan other runs, never its own (whose plan it could otherwise confirm itself).
 */
function refuseOwnRun(context: GraphQLContext, runId: string, action: string) {
  if (RunTokens.runOf(context.viewer!) === runId) {
    throw new ForbiddenError(
      `a run may not ${action} itself: its token is the run's own code; a person decides it, with their own token or an API key`,
    );
  }
}

/**
 * The columns of a run each field of Run reads, in the resolvers below: a list of runs reads
 * only those of the fields the query asks for (runColumnsFor). Every field of the SDL's Run is
 * here, so a new one does not type-check until it says what it reads.
 */
const COLUMNS_OF_FIELD: Record<Exclude<keyof Run, '__typename'>, readonly (keyof RunRow)[]> = {
  id: ['id'],
  branch: ['branch'],
  command: ['command'],
  commit: [
    'commitAuthorLogin',
    'commitAuthorName',
    'commitHash',
    'commitMessage',
    'commitTimestamp',
    'commitUrl',
    'createdAt',
  ],
  createdAt: ['createdAt'],
  delta: ['delta'],
  finished: ['state'],
  history: ['id'],
  logs: ['id'],
  refreshState: [],
  runtimeConfig: ['stackId'],
  state: ['state'],
  title: ['command', 'commitMessage', 'type', 'commitHash'],
  triggeredBy: ['triggeredBy'],
  type: ['type'],
  updatedAt: ['updatedAt'],
  canRetry: ['state', 'type'],
  comments: [],
  driftDetection: [],
  expired: [],
  isMostRecent: ['id', 'stackId', 'type'],
  needsApproval: [],
  changesV3: ['id'],
  reviews: ['id'],
  isPrioritized: ['isPrioritized'],
  mergeRequest: ['mergeRequestIid', 'stackId'],
};

/**
 * The columns a list of runs reads for the fields `info` asks of each run, in a stable order
 * (it keys the batch they are read in).
 */
export function runColumnsFor(info: GraphQLResolveInfo): (keyof RunRow)[] {
  const columns = new Set<keyof RunRow>();
  for (const field of askedFields(info)) {
    for (const column of COLUMNS_OF_FIELD[field as keyof typeof COLUMNS_OF_FIELD] ?? []) {
      columns.add(column);
    }
  }
  return [...columns].sort();
}

export const runResolvers: Resolvers = {
  Mutation: {
    runTrigger: async (_parent, { stack, commitSha, runType, runtimeConfig }, context) => {
      // The stack as the access check reads it now, not as an earlier field of this request
      // read it (a mutation before this one may have changed it): read once, for both.
      context.loaders.stack.clear(stack);
      return context.services.runs.trigger(await writableStack(context, stack), {
        triggeredBy: context.viewer!.id,
        sha: commitSha ?? null,
        runtimeYaml: runtimeConfig?.yaml ?? null,
        ...(runType ? { type: runType as RunType } : {}),
      });
    },
    taskCreate: async (_parent, { stack, command, skipInitialization }, context) => {
      await writableStack(context, stack);
      return context.services.runs.createTask(stack, {
        command,
        triggeredBy: context.viewer!.id,
        skipInitialization: skipInitialization ?? false,
      });
    },
    runRetry: async (_parent, { stack, run }, context) => {
      await writableStack(context, stack);
      return context.services.runs.retryRun(stack, run, { triggeredBy: context.viewer!.id });
    },
    runPrioritizeSet: async (_parent, { stack, run, prioritize }, context) => {
      await writableStack(context, stack);
      return context.services.runs.setPrioritized(stack, run, prioritize);
    },
    runReview: async (_parent, { stack, run, decision, note }, context) => {
      await writableStack(context, stack);
      const review = await context.services.runs.review(stack, run ?? null, {
        decision,
        username: context.viewer!.id,
        note: note ?? null,
      });
      return reviewOf(review);
    },
    runTargetedReplan: async (_parent, { stack, run, targets }, context) => {
      await writableStack(context, stack);
      refuseOwnRun(context, run, 'replan');
      return context.services.runs.replan(stack, run, targets, context.viewer!.id);
    },
    runConfirm: decide('confirm'),
    runDiscard: decide('discard'),
    runCancel: decide('cancel'),
    runStop: decide('stop'),
  },

  Run: {
    canRetry: (parent) => isTerminal(parent.state) && parent.type !== RunType.TASK,
    comments: () => [],
    driftDetection: () => false,
    expired: () => false,
    needsApproval: () => false,
    changesV3: async (parent, _args, context) => [
      {
        resources: (await context.services.runs.changes(parent.id)).map((change) => ({
          address: change.address,
          previousAddress: change.previousAddress,
          metadata: { type: change.type },
          attributeChanges: change.attributes,
        })),
      },
    ],
    reviews: async (parent, _args, context) =>
      (await context.loaders.reviews.load(parent.id)).map(reviewOf),
    isMostRecent: async (parent, _args, context) => {
      const list = LIST_OF.get(parent.type);
      if (!list) return false;
      const [newest] = await context.loaders.firstRunPage(parent.stackId, list, []);
      return newest?.id === parent.id;
    },
    commit: (parent) => ({
      authorLogin: parent.commitAuthorLogin,
      authorName: parent.commitAuthorName,
      avatarURL: '',
      hash: parent.commitHash,
      message: parent.commitMessage.split('\n')[0]!,
      timestamp: seconds(parent.commitTimestamp ?? parent.createdAt),
      url: parent.commitUrl,
    }),
    createdAt: (parent) => seconds(parent.createdAt),
    updatedAt: (parent) => seconds(parent.updatedAt),
    finished: (parent) => isTerminal(parent.state),
    history: async (parent, _args, context) => {
      const [history, logged] = await Promise.all([
        context.loaders.history.load(parent.id),
        context.loaders.loggedVisits.load(parent.id),
      ]);
      // Newest first, as Spacelift lists it (spacectl reads it from the end to follow a run).
      const visits = new Map<string, number>();
      return history
        .map((transition, index) => {
          const next = history[index + 1];
          const stateVersion = visits.get(transition.state) ?? 0;
          visits.set(transition.state, stateVersion + 1);
          return {
            stateVersion,
            state: transition.state,
            note: transition.note,
            username: transition.username,
            timestamp: seconds(transition.timestamp),
            until: next ? seconds(next.timestamp) : null,
            terminal: isTerminal(transition.state),
            // A phase that runs tools has logs from its start, even before its first line.
            hasLogs:
              LOGGING_STATES.has(transition.state) ||
              logged.has(`${transition.state}/${stateVersion}`),
          };
        })
        .reverse();
    },
    logs: async (parent, { state, token, stateVersion }, context) => {
      if (stateVersion !== null && stateVersion !== undefined && stateVersion < 0) {
        throw new InvalidInputError(
          `stateVersion ${stateVersion} is not a visit: it counts the run's earlier visits to the state, from 0`,
        );
      }
      const page = await context.loaders.logs.load({
        runId: parent.id,
        state: state as RunState,
        stateVersion: stateVersion ?? 0,
        ...(token ? { token } : {}),
      });
      return {
        ...page,
        // Each line with its newline, as Spacelift's clients print them one after the other.
        messages: page.messages.map((line) => ({
          message: `${line.message}\n`,
          timestamp: seconds(line.timestamp),
        })),
      };
    },
    mergeRequest: async (parent, _args, context) => {
      if (parent.mergeRequestIid === null) return null;
      const [stack, gitlab] = await Promise.all([
        context.loaders.stack.load(parent.stackId),
        context.services.gitlab.host(),
      ]);
      const project = stack?.provider === 'GITLAB' ? stack.repository : undefined;
      return {
        iid: parent.mergeRequestIid,
        url:
          gitlab && project
            ? `${gitlab}/${project}/-/merge_requests/${parent.mergeRequestIid}`
            : null,
      };
    },
    // OpenTofu refreshes the state on every plan.
    refreshState: () => true,
    runtimeConfig: async (parent, _args, context) => {
      const stack = await context.loaders.stack.load(parent.stackId);
      return {
        projectRoot: stack?.projectRoot ?? '',
        runnerImage: '',
        terraformVersion: stack?.terraformVersion ?? '',
      };
    },
    title: (parent) =>
      parent.command ??
      (parent.commitMessage.split('\n')[0] ||
        `${parent.type} run of ${parent.commitHash.slice(0, 8)}`),
  },
};
