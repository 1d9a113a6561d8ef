import { searchPolicies } from './search';
import { loadedSpace, spaceAs } from './spaces';
import type { GraphQLContext } from './context';
import { authenticated, isAdminIn, requireAdmin } from './guard';
import type { Resolvers } from './types.generated';
import type { PolicyAttachment } from '../../policy/service';

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Policies are account-wide: admins write and attach them; they decide for everyone else. */
export const policyResolvers: Resolvers = {
  Query: {
    searchPolicies: (_parent, { input }, context) => searchPolicies(context, input),
    policies: (_parent, _args, context) => {
      requireAdmin(context);
      return context.services.policies.list();
    },
    policy: async (_parent, { id }, context) => {
      requireAdmin(context);
      return (await context.loaders.policy.load(id)) ?? null;
    },
  },

  Mutation: {
    policyCreate: (_parent, { type, ...input }, context) => {
      requireAdmin(context);
      return context.services.policies.create(type, input);
    },
    policyUpdate: (_parent, { id, ...input }, context) => {
      requireAdmin(context);
      return context.services.policies.update(id, input);
    },
    policyCreatev2: (_parent, { input: { type, ...input } }, context) => {
      requireAdmin(context);
      return context.services.policies.create(type, input);
    },
    policyUpdatev2: (_parent, { id, input }, context) => {
      requireAdmin(context);
      // Spacelift's update replaces every field: labels and description left out are removed,
      // and a space left out is root.
      return context.services.policies.update(id, {
        ...input,
        labels: input.labels ?? [],
        description: input.description ?? null,
        space: input.space ?? null,
      });
    },
    policyDelete: (_parent, { id }, context) => {
      requireAdmin(context);
      return context.services.policies.delete(id);
    },
    policyAttach: (_parent, { id, stack }, context) => {
      requireAdmin(context);
      return context.services.policies.attach(id, stack);
    },
    policyDetach: (_parent, { id }, context) => {
      requireAdmin(context);
      return context.services.policies.detach(id);
    },
  },

  Policy: {
    // Policies are the admins' to read and write.
    spaceDetails: async (parent, _args, context) =>
      spaceAs(await loadedSpace(context, parent.space), 'ADMIN'),
    space: (parent) => parent.space,
    attachedStack: async (parent, { id }, context) =>
      (await context.loaders.policyAttachments.load(parent.id)).find(
        (attachment) => attachment.stackId === id,
      ) ?? null,
    attachedStacks: (parent, _args, context) => context.loaders.policyAttachments.load(parent.id),
    createdAt: (parent) => seconds(parent.createdAt),
    updatedAt: (parent) => seconds(parent.updatedAt),
  },

  PolicyStackAttachment: {
    stackName: async (parent, _args, context) =>
      (await context.loaders.stack.load(parent.stackId))?.name ?? parent.stackId,
    isModule: () => false,
  },

  StackPolicyAttachment: {
    policyName: async (parent, _args, context) => (await policyOf(parent, context)).name,
    policyType: async (parent, _args, context) => (await policyOf(parent, context)).type,
    policyLabels: async (parent, _args, context) => (await policyOf(parent, context)).labels,
  },

  Stack: {
    // Who may do what is for admins to know; a reader learns nothing of the rules.
    attachedPolicies: (parent, _args, context) =>
      isAdminIn(authenticated(context).viewer)
        ? context.loaders.stackPolicyAttachments.load(parent.id)
        : [],
  },
};

async function policyOf(attachment: PolicyAttachment, context: GraphQLContext) {
  const policy = await context.loaders.policy.load(attachment.policyId);
  // The attachment goes with its policy, so a policy is missing only mid-delete.
  if (!policy)
    throw new Error(`policy "${attachment.policyId}" of attachment "${attachment.id}" is gone`);
  return policy;
}
