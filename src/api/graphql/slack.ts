import {
  allSubscriptions,
  checkSettingsChange,
  SlackChannels,
  SlackSubscriptions,
  type SettingsChange,
  type SlackSubscription as SlackSubscriptionRow,
  type SlackWorkspace as SlackWorkspaceRow,
} from '../../slack/index';
import { InvalidInputError, NotFoundError } from '../../platform/errors';
import { RunState, RunType } from '../../runs/types';
import type { GraphQLContext } from './context';
import { requireAccountAdmin } from './guard';
import type {
  Resolvers,
  SlackSubscription,
  SlackSubscriptionSettingsInput,
  SlackWorkspace,
} from './types.generated';
import { seconds } from './models';

function workspace(row: SlackWorkspaceRow): SlackWorkspace {
  return {
    teamId: row.teamId,
    teamName: row.teamName,
    enterpriseId: row.enterpriseId,
    botUserId: row.botUserId,
    installedAt: seconds(row.installedAt),
    installedBy: row.installedBy,
  };
}

function subscription(row: SlackSubscriptionRow): SlackSubscription {
  return {
    id: row.id,
    stackId: row.stackId,
    teamId: row.teamId,
    channelId: row.channelId,
    channelName: row.channelName,
    events: row.events as SlackSubscription['events'],
    onlyFailures: row.onlyFailures,
    branches: row.branches,
    types: row.types as SlackSubscription['types'],
    subscribedBy: row.subscribedBy,
    createdAt: seconds(row.createdAt),
    refusedAt: row.refusedAt ? seconds(row.refusedAt) : null,
    refusedReason: row.refusedReason,
  };
}

/** The settings an input changes, checked as `/gantry subscribe` checks its options. */
function changeOf(input: SlackSubscriptionSettingsInput): SettingsChange {
  const states = new Set<string>(Object.values(RunState));
  const types = new Set<string>(Object.values(RunType));
  const unknown = [
    ...(input.events ?? []).filter((state) => !states.has(state)),
    ...(input.types ?? []).filter((type) => !types.has(type)),
  ];
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `${unknown.join(', ')} cannot be heard; leave UNKNOWN out of events and types`,
    );
  }
  return checkSettingsChange({
    events: (input.events ?? undefined) as RunState[] | undefined,
    onlyFailures: input.onlyFailures ?? undefined,
    branches: input.branches ?? undefined,
    types: (input.types ?? undefined) as RunType[] | undefined,
  });
}

/** The service behind the mutations, over the process's installations. */
function subscriptionsOf(context: GraphQLContext) {
  const { slack, db, logger, publicUrl } = context.services;
  const channels = new SlackChannels({
    installations: slack.installations,
    apiUrl: slack.settings.apiUrl,
    logger,
  });
  return {
    channels,
    service: new SlackSubscriptions({
      db,
      channels,
      publicUrl,
      command: slack.settings.command,
      logger,
    }),
  };
}

export const slackResolvers: Resolvers = {
  Query: {
    slackIntegration: async (_parent, _args, context) => {
      requireAccountAdmin(context);
      const { slack, publicUrl, db } = context.services;
      return {
        configured: slack.missingSettings.length === 0,
        missingSettings: slack.missingSettings,
        // The grant stands in for the admin's sign-in: a browser opening the link sends no token.
        installUrl: `${publicUrl}/slack/install?grant=${slack.installations.installGrant()}`,
        workspaces: (await slack.installations.list()).map(workspace),
        subscriptions: (await allSubscriptions(db)).map(subscription),
      };
    },
  },

  Mutation: {
    slackIntegrationDelete: async (_parent, { teamId }, context) => {
      requireAccountAdmin(context);
      const removed = await context.services.slack.installations.remove(teamId);
      if (!removed) {
        throw new NotFoundError(`the Slack app is not installed in workspace "${teamId}"`);
      }
      context.services.logger.info({ team: teamId }, 'slack installation removed by an admin');
      return workspace(removed);
    },
    slackSubscriptionCreate: async (_parent, { input }, context) => {
      const viewer = requireAccountAdmin(context);
      const change = changeOf(input);
      const stack = await context.services.runs.stack(input.stackId);
      const { channels, service } = subscriptionsOf(context);
      const channelName =
        input.channelName ?? (await channels.name(input.teamId, input.channelId, ''));
      const { subscription: saved } = await service.subscribe({
        stack,
        teamId: input.teamId,
        channelId: input.channelId,
        channelName: channelName || input.channelId,
        by: { userId: `gantry:${viewer.id}`, shown: 'A Gantry admin' },
        change,
      });
      context.services.logger.info(
        { stackId: stack.id, team: input.teamId, channel: input.channelId },
        'slack subscription saved by an admin',
      );
      return subscription(saved);
    },
    slackSubscriptionUpdate: async (_parent, { id, input }, context) => {
      requireAccountAdmin(context);
      return subscription(await subscriptionsOf(context).service.update(id, changeOf(input)));
    },
    slackSubscriptionDelete: async (_parent, { id }, context) => {
      requireAccountAdmin(context);
      return subscription(await subscriptionsOf(context).service.remove(id));
    },
  },
};
