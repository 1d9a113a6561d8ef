import { hooksOf } from '../../stacks/hooks';
import type { ContextInput as ServiceContextInput } from '../../contexts/service';
import type { GraphQLContext } from './context';
import {
  administered,
  administeredStack,
  isAdminIn,
  requireAdmin,
  requireSomeAdmin,
  spaceOfInput,
} from './guard';
import type { ContextInput, Resolvers } from './types.generated';
import { allContexts } from '../../contexts/store';
import { NotFoundError } from '../../platform/errors';
import { ROOT_SPACE } from '../../spaces/service';

/**
 * A context as contextCreateV2 and contextUpdateV2 set it: whole, so labels and hooks not given
 * are empty and a space not given is root, as StackInput's fields not given take their defaults.
 */
function serviceInput(input: ContextInput): ServiceContextInput {
  return {
    space: input.space ?? null,
    name: input.name,
    description: input.description ?? null,
    labels: input.labels ?? [],
    hooks: hooksOf(input.hooks),
  };
}

/** The context, which the caller must be an admin of (see administered). */
async function administeredContext(context: GraphQLContext, id: string) {
  return administered(
    context,
    await context.loaders.context.load(id),
    `context "${id}" does not exist`,
  );
}

/**
 * The attachment, whose context and stack the caller must be an admin of; one the caller may
 * not see answers as a missing one does.
 */
async function administeredAttachment(context: GraphQLContext, id: string) {
  requireSomeAdmin(context);
  const missing = `attachment "${id}" does not exist`;
  const attachment = await context.loaders.contextAttachment.load(id);
  if (!attachment) throw new NotFoundError(missing);
  const owner = await context.loaders.context.load(attachment.contextId);
  administered(context, owner, missing);
  await administeredStack(context, attachment.stackId);
  return attachment;
}

/**
 * Contexts live in spaces: each space's admins manage those in it, and stacks show what they
 * are given.
 */
export const contextResolvers: Resolvers = {
  Query: {
    context: async (_parent, { id }, context) => {
      const viewer = requireSomeAdmin(context);
      const found = await context.loaders.context.load(id);
      return found && isAdminIn(viewer, found.space) ? found : null;
    },
    contexts: async (_parent, _args, context) => {
      const viewer = requireSomeAdmin(context);
      return (await allContexts(context.services.db)).filter((found) =>
        isAdminIn(viewer, found.space),
      );
    },
  },

  Mutation: {
    contextCreate: (_parent, args, context) => {
      requireAdmin(context, ROOT_SPACE);
      return context.services.contexts.createContext(args);
    },
    contextUpdate: async (_parent, { id, ...input }, context) => {
      await administeredContext(context, id);
      return context.services.contexts.updateContext(id, input);
    },
    contextCreateV2: (_parent, { input }, context) => {
      requireAdmin(context, spaceOfInput(input.space));
      return context.services.contexts.createContext(serviceInput(input));
    },
    contextUpdateV2: async (_parent, { id, input }, context) => {
      await administeredContext(context, id);
      requireAdmin(context, spaceOfInput(input.space));
      return context.services.contexts.updateContext(id, serviceInput(input));
    },
    contextDelete: async (_parent, { id }, context) => {
      await administeredContext(context, id);
      return context.services.contexts.deleteContext(id);
    },
    contextAttach: async (_parent, { id, stack, priority }, context) => {
      await administeredContext(context, id);
      await administeredStack(context, stack);
      return context.services.contexts.attachContext(id, stack, priority);
    },
    contextDetach: async (_parent, { id }, context) => {
      await administeredAttachment(context, id);
      return context.services.contexts.detachContext(id);
    },
    contextConfigAdd: async (_parent, { context: contextId, config }, context) => {
      await administeredContext(context, contextId);
      return context.services.contexts.addContextConfig(contextId, config);
    },
    contextConfigDelete: async (_parent, { context: contextId, id }, context) => {
      await administeredContext(context, contextId);
      return context.services.contexts.deleteContextConfig(contextId, id);
    },
  },

  Context: {
    space: (parent) => parent.space,
    hooks: (parent) => hooksOf(parent.hooks),
    attachedStack: async (parent, { id }, context) =>
      (await context.loaders.contextAttachments.load(parent.id)).find(
        (attachment) => attachment.stackId === id,
      ) ?? null,
    attachedStacks: (parent, _args, context) => context.loaders.contextAttachments.load(parent.id),
    config: (parent, _args, context) => context.loaders.contextConfig.load(parent.id),
    configElement: async (parent, { id }, context) =>
      (await context.loaders.contextConfig.load(parent.id)).find((element) => element.id === id) ??
      null,
  },

  ContextStackAttachment: {
    stackName: async (parent, _args, context) =>
      (await context.loaders.stack.load(parent.stackId))?.name ?? parent.stackId,
    // Gantry has no modules: every attachment is to a stack.
    isModule: () => false,
  },

  StackContextAttachment: {
    isAutoattached: () => false,
    config: (parent, _args, context) => context.loaders.contextConfig.load(parent.contextId),
    contextName: async (parent, _args, context) =>
      (await context.loaders.context.load(parent.contextId))?.name ?? parent.contextId,
  },
};
