import type { SlackWorkspace as SlackWorkspaceRow } from '../../slack/index';
import { requireAccountAdmin } from './guard';
import type { Resolvers, SlackWorkspace } from './types.generated';
import { NotFoundError } from '../../platform/errors';
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

export const slackResolvers: Resolvers = {
  Query: {
    slackIntegration: async (_parent, _args, context) => {
      requireAccountAdmin(context);
      const { slack, publicUrl } = context.services;
      return {
        configured: slack.missingSettings.length === 0,
        missingSettings: slack.missingSettings,
        // The grant stands in for the admin's sign-in: a browser opening the link sends no token.
        installUrl: `${publicUrl}/slack/install?grant=${slack.installations.installGrant()}`,
        workspaces: (await slack.installations.list()).map(workspace),
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
  },
};
