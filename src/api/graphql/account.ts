import { loginsSince, recordLogin } from '../../auth/store';
import type { Viewer } from '../../auth/viewer';
import { ForbiddenError } from '../../platform/errors';
import type { GraphQLContext } from './context';
import {
  authenticated,
  isAccountAdmin,
  readableStacks,
  requireAccountAdmin,
  requireSomeAdmin,
} from './guard';
import { seconds, type UserModel } from './models';
import type { Resolvers } from './types.generated';
import { workingSeconds } from '../../runs/store';

const USAGE_WINDOW_DAYS = 30;

/**
 * The Spacelift Self-Hosted release whose API Gantry serves. spacectl offers the variants of
 * its commands that release supports: 5.0.0 gives those Gantry serves (not yet the 5.1.0
 * `deploy --force-apply` nor the 6.0.0 `stack show`). Raise it only with the variants it adds.
 */
const SPACELIFT_SELF_HOSTED_VERSION = '5.0.0';
// Gantry sets no limits; the largest Int says so to clients that compute what is left.
const NO_LIMIT = 2_147_483_647;

/** Records the login and gives the viewer a one-hour JWT. */
async function logIn(context: GraphQLContext, viewer: Viewer): Promise<UserModel> {
  await recordLogin(context.services.db, viewer.id);
  return { ...viewer, ...(await context.services.tokens.issue(viewer)) };
}

export const accountResolvers: Resolvers = {
  Query: {
    debugInfo: (_parent, _args, context) => {
      authenticated(context);
      return { selfHostedVersion: SPACELIFT_SELF_HOSTED_VERSION };
    },
    name: (_parent, _args, context) => {
      authenticated(context);
      return context.services.accountName;
    },
    type: (_parent, _args, context) => {
      authenticated(context);
      return 'ORG';
    },
    viewer: async (_parent, _args, context) => {
      if (!context.viewer) return null;
      // The admin token is not a JWT; its holder gets one, as apiKeyUser would give.
      const token = context.token ?? (await context.services.tokens.issue(context.viewer));
      return { ...context.viewer, ...token };
    },
    usage: async (_parent, _args, context) => {
      const { viewer } = authenticated(context);
      const { db } = context.services;
      const since = new Date(Date.now() - USAGE_WINDOW_DAYS * 24 * 60 * 60 * 1000);
      const worked = await workingSeconds(db, since);
      const logins = await loginsSince(db, since);
      // Who else logs in is the admins' business; the counts name no one.
      const shown = isAccountAdmin(viewer)
        ? logins
        : logins.filter((login) => login.username === viewer.id);
      return {
        allowedMinutes: NO_LIMIT,
        allowedSeats: NO_LIMIT,
        usedMinutes: Math.ceil(worked / 60),
        usedSeats: logins.length,
        logins: shown.map((login) => ({
          username: login.username,
          timestamp: seconds(login.lastLoginAt),
        })),
      };
    },
    apiKeys: (_parent, _args, context) => {
      requireAccountAdmin(context);
      return context.services.apiKeys.list();
    },
    gitlabIntegration: async (_parent, _args, context) => {
      requireAccountAdmin(context);
      return (await context.services.gitlab.settings()) ?? null;
    },
    // Admins see all of GitLab's groups and projects; others those that are theirs: the groups
    // they are members of, and the projects of the stacks they may read.
    teams: async (_parent, _args, context) => {
      const { viewer } = authenticated(context);
      if (isAccountAdmin(viewer)) return context.services.gitlab.teams();
      if (viewer.teams.length === 0) return [];
      const teams = await context.services.gitlab.teams();
      return teams.filter((team) => viewer.teams.includes(team.slug));
    },
    repositories: async (_parent, _args, context) => {
      const { viewer } = authenticated(context);
      if (isAccountAdmin(viewer)) return context.services.gitlab.repositories();
      const projects = new Set(
        (await readableStacks(context))
          .filter((stack) => stack.provider === 'GITLAB')
          .map((stack) => stack.repository),
      );
      if (projects.size === 0) return [];
      const repositories = await context.services.gitlab.repositories();
      return repositories.filter((repository) => projects.has(repository.id));
    },
  },

  Mutation: {
    apiKeyCreate: async (_parent, { input }, context) => {
      const viewer = requireSomeAdmin(context);
      // A run's token dies with its run; a key it made would not.
      if (viewer.spaceScope !== undefined) {
        throw new ForbiddenError(
          "a run's token cannot create API keys, which would outlive the run; an admin creates them with the admin token or an admin API key",
        );
      }
      const { key, secret } = await context.services.apiKeys.create(input, viewer.id);
      return { ...key, secret };
    },
    apiKeyDelete: (_parent, { id }, context) => {
      requireAccountAdmin(context);
      return context.services.apiKeys.delete(id);
    },
    apiKeyUser: async (_parent, { id, secret }, context) =>
      logIn(context, await context.services.apiKeys.exchange(id, secret)),
    oauthUser: async (_parent, { token }, context) =>
      logIn(context, await context.services.gitlabSignIn.userFromToken(token)),
    oauthRefresh: async (_parent, _args, context) => {
      const { viewer } = authenticated(context);
      return logIn(context, await context.services.gitlabSignIn.refreshUser(viewer));
    },
    oauthRedirect: (_parent, _args, context) => context.services.gitlabSignIn.oauthRedirect(),
    oauthToken: (_parent, { code, state, temporaryToken }, context) =>
      context.services.gitlabSignIn.oauthToken({ code, state, temporaryToken }),
    gitlabIntegrationSetup: (_parent, args, context) => {
      requireAccountAdmin(context);
      return context.services.gitlab.setup({
        apiHost: args.apiHost,
        token: args.token,
        oauthClientId: args.oauthClientId ?? null,
        oauthClientSecret: args.oauthClientSecret ?? null,
      });
    },
    gitlabIntegrationDelete: async (_parent, _args, context) => {
      requireAccountAdmin(context);
      return (await context.services.gitlab.remove()) ?? null;
    },
    // Any space's admin may upload a state, to create a stack with it in that space.
    stateUploadUrl: (_parent, _args, context) => {
      requireSomeAdmin(context);
      return context.services.uploads.create();
    },
  },

  ApiKey: {
    createdAt: (parent) => seconds(parent.createdAt),
    lastUsedAt: (parent) => (parent.lastUsedAt ? seconds(parent.lastUsedAt) : null),
    secret: (parent) => parent.secret ?? null,
  },
};
