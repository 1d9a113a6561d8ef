import { requireAccountAdmin } from './guard';
import type { Resolvers } from './types.generated';

/** Project hooks' own webhook secrets; GitLabIntegration.projectHooks comes with the settings. */
export const gitlabResolvers: Resolvers = {
  Mutation: {
    gitlabWebhookSecretRotate: (_parent, { project }, context) => {
      requireAccountAdmin(context);
      return context.services.gitlab.rotateWebhookSecret(project);
    },
  },
};
