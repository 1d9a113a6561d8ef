import { searchPolicies } from './search';
import { loadedSpace, spaceAs } from './spaces';
import type { GraphQLContext } from './context';
import {
  administered,
  administeredStack,
  authenticated,
  isAdminIn,
  requireAdmin,
  requireSomeAdmin,
  spaceOfInput,
} from './guard';
import { NotFoundError } from '../../platform/errors';
import { ROOT_SPACE } from '../../spaces/service';
import type { Resolvers } from './types.generated';
import type { PolicyAttachment } from '../../policy/service';
import { seconds } from './models';

/** The policy, which the caller must be an admin of (see administered). */
async function administeredPolicy(context: GraphQLContext, id: string) {
  return administered(
    context,
    await context.loaders.policy.load(id),
    `policy "${id}" does not exist`,
  );
}

/**
 * Policies live in spaces: each space's admins write and attach those in it; they decide for
 * everyone else.
 */
export const policyResolvers: Resolvers = {
  Query: {
    searchPolicies: (_parent, { input }, context) => searchPolicies(context, input),
    policies: async (_parent, _args, context) => {
      const viewer = requireSomeAdmin(context);
      return (await context.services.policies.list()).filter((policy) =>
        isAdminIn(viewer, policy.space),
      );
    },
    policy: async (_parent, { id }, context) => {
      const viewer = requireSomeAdmin(context);
      const policy = await context.loaders.policy.load(id);
      return policy && isAdminIn(viewer, policy.space) ? policy : null;
    },
  },

  Mutation: {
    policyCreate: (_parent, { type, ...input }, context) => {
      requireAdmin(context, ROOT_SPACE);
      return context.services.policies.create(type, input);
    },
    policyUpdate: async (_parent, { id, ...input }, context) => {
      await administeredPolicy(context, id);
      return context.services.policies.update(id, input);
    },
    policyCreatev2: (_parent, { input: { type, ...input } }, context) => {
      requireAdmin(context, spaceOfInput(input.space));
      return context.services.policies.create(type, input);
    },
    policyUpdatev2: async (_parent, { id, input }, context) => {
      await administeredPolicy(context, id);
      requireAdmin(context, spaceOfInput(input.space));
      // Spacelift's update replaces every field: labels and description left out are removed,
      // and a space left out is root.
      return context.services.policies.update(id, {
        ...input,
        labels: input.labels ?? [],
        description: input.description ?? null,
        space: input.space ?? null,
      });
    },
    policyDelete: async (_parent, { id }, context) => {
      await administeredPolicy(context, id);
      return context.services.policies.delete(id);
    },
    policyAttach: async (_parent, { id, stack }, context) => {
      await administeredPolicy(context, id);
      await administeredStack(context, stack);
      return context.services.policies.attach(id, stack);
    },
    policyDetach: async (_parent, { id }, context) => {
      requireSomeAdmin(context);
      const missing = `policy attachment "${id}" does not exist`;
      const attachment = await context.loaders.policyAttachment.load(id);
      if (!attachment) throw new NotFoundError(missing);
      administered(context, await context.loaders.policy.load(attachment.policyId), missing);
      await administeredStack(context, attachment.stackId);
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
    attachedPolicies: async (parent, _args, context) => {
      const { viewer } = authenticated(context);
      if (!isAdminIn(viewer, parent.space)) return [];
      const attachments = await context.loaders.stackPolicyAttachments.load(parent.id);
      const policies = await context.loaders.policy.loadMany(
        attachments.map((attachment) => attachment.policyId),
      );
      return attachments.filter((_attachment, index) => {
        const policy = policies[index];
        return policy && !(policy instanceof Error) && isAdminIn(viewer, policy.space);
      });
    },
  },
};

async function policyOf(attachment: PolicyAttachment, context: GraphQLContext) {
  const policy = await context.loaders.policy.load(attachment.policyId);
  // The attachment goes with its policy, so a policy is missing only mid-delete.
  if (!policy)
    throw new Error(`policy "${attachment.policyId}" of attachment "${attachment.id}" is gone`);
  return policy;
}
