import { hooksOf } from '../../stacks/hooks';
import type { ContextInput as ServiceContextInput } from '../../contexts/service';
import { requireAdmin } from './guard';
import type { ContextInput, Resolvers } from './types.generated';
import { allContexts } from '../../contexts/store';

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

/** Contexts are account-wide: admins manage them, and stacks show what they are given. */
export const contextResolvers: Resolvers = {
  Query: {
    context: async (_parent, { id }, context) => {
      requireAdmin(context);
      return (await context.loaders.context.load(id)) ?? null;
    },
    contexts: async (_parent, _args, context) => {
      requireAdmin(context);
      return allContexts(context.services.db);
    },
  },

  Mutation: {
    contextCreate: (_parent, args, context) => {
      requireAdmin(context);
      return context.services.contexts.createContext(args);
    },
    contextUpdate: (_parent, { id, ...input }, context) => {
      requireAdmin(context);
      return context.services.contexts.updateContext(id, input);
    },
    contextCreateV2: (_parent, { input }, context) => {
      requireAdmin(context);
      return context.services.contexts.createContext(serviceInput(input));
    },
    contextUpdateV2: (_parent, { id, input }, context) => {
      requireAdmin(context);
      return context.services.contexts.updateContext(id, serviceInput(input));
    },
    contextDelete: (_parent, { id }, context) => {
      requireAdmin(context);
      return context.services.contexts.deleteContext(id);
    },
    contextAttach: (_parent, { id, stack, priority }, context) => {
      requireAdmin(context);
      return context.services.contexts.attachContext(id, stack, priority);
    },
    contextDetach: (_parent, { id }, context) => {
      requireAdmin(context);
      return context.services.contexts.detachContext(id);
    },
    contextConfigAdd: (_parent, { context: contextId, config }, context) => {
      requireAdmin(context);
      return context.services.contexts.addContextConfig(contextId, config);
    },
    contextConfigDelete: (_parent, { context: contextId, id }, context) => {
      requireAdmin(context);
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
