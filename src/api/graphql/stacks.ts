import { ROOT_SPACE, rootSpace } from './spaces';
import { searchStacks } from './search';
import { currentOutputs, currentResources, parseState, storeState } from '../../state/store';
import { mergeRuntimeConfig } from '../../contexts/runtimeConfig';
import { type StackInput as ServiceStackInput } from '../../stacks/service';
import { HOOK_NAMES } from '../../stacks/hooks';
import type { GraphQLContext } from './context';
import { authenticated, readableStacks, requireAdmin, writableStack } from './guard';
import { RUN_TYPES, type RunList } from '../../runs/store';
import type { Resolvers, StackInput, Team } from './types.generated';
import type { ConfigElementRow } from '../../contexts/service';
import type { Stack } from '../../stacks/service';
import { InvalidInputError, UnsupportedError } from '../../platform/errors';

const AWS_NEW_ROLE_LINK = 'https://console.aws.amazon.com/iam/home#/roles$new?step=type';

function serviceInput(input: StackInput, managesStateFile?: boolean): ServiceStackInput {
  return {
    ...input,
    hooks: Object.fromEntries(HOOK_NAMES.map((hook) => [hook, input[hook]])),
    provider: input.provider ?? 'GITLAB',
    labels: input.labels ?? [],
    autodeploy: input.autodeploy ?? false,
    ...(managesStateFile === undefined ? {} : { managesStateFile }),
  };
}

/**
 * Whether the caller may change the element: admins any, others those of stacks they may write.
 * Contexts are admins' alone.
 */
async function mayWriteElement(context: GraphQLContext, element: ConfigElementRow) {
  const { viewer, access } = authenticated(context);
  if (viewer.admin) return true;
  if (!element.stackId) return false;
  const stack = await context.loaders.stack.load(element.stackId);
  return stack !== undefined && (await access.canWrite(stack));
}

const team = (slug: string | null): Team | null => (slug ? { id: slug, name: slug, slug } : null);

function runList(list: RunList) {
  return async (parent: Stack, args: { before?: string | null }, context: GraphQLContext) =>
    args.before
      ? context.services.runs.listRuns(parent.id, { types: [RUN_TYPES[list]], before: args.before })
      : context.loaders.firstRunPage.load({ stackId: parent.id, list });
}

export const stackResolvers: Resolvers = {
  Query: {
    searchStacks: (_parent, { input }, context) => searchStacks(context, input),
    stack: async (_parent, { id }, context) => {
      authenticated(context);
      const stack = await context.loaders.stack.load(id);
      return stack && (await context.access!.canRead(stack)) ? stack : null;
    },
    stacks: (_parent, _args, context) => readableStacks(context),
  },

  Mutation: {
    stackCreate: async (_parent, { input, manageState, stackObjectID }, context) => {
      requireAdmin(context);
      const { stacks, uploads } = context.services;
      if (!stackObjectID) return stacks.createStack(serviceInput(input, manageState));
      if (!manageState) {
        throw new InvalidInputError(
          'stackObjectID hands an existing state file to Gantry, so manageState must be true',
        );
      }
      const state = await uploads.content(stackObjectID);
      parseState(state);
      const stack = await stacks.createStack(serviceInput(input, true), {
        initialize: async (created) => {
          await storeState(context.services.db, { stackId: created.id, content: state });
        },
      });
      await uploads.remove(stackObjectID);
      return stack;
    },
    stackUpdate: async (_parent, { id, input }, context) => {
      requireAdmin(context);
      return context.services.stacks.updateStack(id, serviceInput(input));
    },
    stackDelete: async (_parent, { id, destroyResources }, context) => {
      requireAdmin(context);
      if (destroyResources) {
        throw new UnsupportedError(
          `Gantry does not yet destroy a stack's resources when it deletes the stack: run \`tofu destroy -auto-approve\` as a task of stack "${id}" first (taskCreate), then delete it without destroyResources`,
        );
      }
      return context.services.runs.deleteStack(id);
    },
    stackSetAwsRoleDelegation: async (_parent, { id, roleArn }, context) => {
      requireAdmin(context);
      return context.services.stacks.setAwsRole(id, roleArn ?? null);
    },
    stackConfigAdd: async (_parent, { stack, config }, context) => {
      await writableStack(context, stack);
      return context.services.contexts.addStackConfig(stack, config);
    },
    stackConfigDelete: async (_parent, { stack, id }, context) => {
      await writableStack(context, stack);
      return context.services.contexts.deleteStackConfig(stack, id);
    },
    stateDownloadUrl: async (_parent, { input }, context) => {
      await writableStack(context, input.stackId);
      return { url: context.services.downloads.urlFor(input.stackId) };
    },
    stackSetCurrentCommit: async (_parent, { id, sha }, context) => {
      await writableStack(context, id);
      return context.services.runs.setCurrentCommit(id, sha, context.viewer!.id);
    },
    stackSyncCommit: async (_parent, { id }, context) => {
      await writableStack(context, id);
      return context.services.runs.syncCommit(id, context.viewer!.id);
    },
    stackDisable: async (_parent, { id }, context) => {
      await writableStack(context, id);
      return context.services.stacks.setDisabled(id, true);
    },
    stackEnable: async (_parent, { id }, context) => {
      await writableStack(context, id);
      return context.services.stacks.setDisabled(id, false);
    },
    stackLock: async (_parent, { id, note }, context) => {
      await writableStack(context, id);
      return context.services.locks.lock(id, context.viewer!.id, note);
    },
    stackUnlock: async (_parent, { id }, context) => {
      await writableStack(context, id);
      const viewer = context.viewer!;
      return context.services.locks.unlock(id, viewer.id, { admin: viewer.admin });
    },
  },

  Stack: {
    trackedCommit: (parent) => {
      const commit = parent.trackedCommit;
      if (!commit) return null;
      return {
        authorLogin: commit.authorLogin ?? null,
        authorName: commit.authorName,
        avatarURL: '',
        hash: commit.hash,
        message: commit.message,
        timestamp: Math.floor(new Date(commit.timestamp).getTime() / 1000),
        url: commit.url,
      };
    },
    attachedContexts: (parent, _args, context) => context.loaders.stackAttachments.load(parent.id),
    awsAssumedRoleARN: (parent) => parent.awsAssumedRoleArn,
    awsAssumeRoleLink: () => AWS_NEW_ROLE_LINK,
    awsAssumeRolePolicyStatement: (parent) =>
      JSON.stringify({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        // Gantry cannot know which principal its workers run as; the statement names the slot.
        Principal: { AWS: '<ARN of the IAM role or user Gantry workers run as>' },
        Condition: { StringEquals: { 'sts:RoleSessionName': `gantry-${parent.id}` } },
      }),
    blocker: async (parent, _args, context) =>
      (await context.loaders.blocker.load(parent.id)) ?? null,
    canWrite: (parent, _args, context) => authenticated(context).access.canWrite(parent),
    createdAt: (parent) => Math.floor(parent.createdAt.getTime() / 1000),
    stateSetAt: async (parent, _args, context) => {
      const { setAt } = await context.loaders.stackState.load(parent.id);
      return setAt ? Math.floor(setAt.getTime() / 1000) : null;
    },
    deleted: () => false,
    deleting: () => false,
    autoretry: () => false,
    localPreviewEnabled: () => false,
    starred: () => false,
    namespace: (parent) =>
      parent.provider === 'GITLAB' ? parent.repository.split('/').slice(0, -1).join('/') : '',
    runnerImage: () => null,
    space: () => ROOT_SPACE,
    spaceDetails: async (parent, _args, context) => {
      const { viewer, access } = authenticated(context);
      return rootSpace(viewer.admin ? 'ADMIN' : (await access.canWrite(parent)) ? 'WRITE' : 'READ');
    },
    entities: async (parent, _args, context) => {
      const mayWrite = await authenticated(context).access.canWrite(parent);
      return (await currentResources(context.services.db, parent.id)).map((resource) => ({
        id: resource.address,
        address: resource.address,
        creator: null,
        drifted: null,
        name: resource.name,
        parent: resource.module,
        thirdPartyMetadata: null,
        type: resource.type,
        updater: null,
        vendor: {
          __typename: 'EntityVendorTerraform' as const,
          terraform: {
            __typename: 'TerraformResource' as const,
            address: resource.address,
            mode: resource.mode,
            module: resource.module,
            provider: resource.provider,
            tainted: resource.tainted,
            values: mayWrite ? JSON.stringify(resource.values) : '{}',
          },
        },
      }));
    },
    outputs: async (parent, _args, context) =>
      (await currentOutputs(context.services.db, parent.id)).map((output) => ({
        id: output.name,
        sensitive: output.sensitive,
        description: null,
        value: output.value,
      })),
    moduleVersionsUsed: () => [],
    additionalProjectGlobs: () => [],
    dependsOn: () => [],
    isDependedOnBy: () => [],
    vendorConfig: (parent) => ({
      __typename: 'StackConfigVendorTerraform' as const,
      useSmartSanitization: false,
      version: parent.terraformVersion,
      workflowTool: 'OPEN_TOFU' as const,
      workspace: null,
      externalStateAccessEnabled: false,
    }),
    workerPool: () => null,
    ...Object.fromEntries(
      HOOK_NAMES.map((hook) => [hook, (parent: Stack) => parent.hooks[hook] ?? []]),
    ),
    config: (parent, _args, context) => context.loaders.stackConfig.load(parent.id),
    configElement: async (parent, { id }, context) =>
      (await context.loaders.stackConfig.load(parent.id)).find((element) => element.id === id) ??
      null,
    readers: (parent) => team(parent.readersSlug),
    writers: (parent) => team(parent.writersSlug),
    run: async (parent, { id }, context) => {
      const run = await context.loaders.run.load(id);
      return run?.stackId === parent.id ? run : null;
    },
    runs: runList('runs'),
    tasks: runList('tasks'),
    proposedRuns: runList('proposedRuns'),
    runtimeConfig: async (parent, _args, context) => {
      const { loaders } = context;
      const [own, attachments] = await Promise.all([
        loaders.stackConfig.load(parent.id),
        loaders.stackAttachments.load(parent.id),
      ]);
      const sources = await Promise.all(
        attachments.map(async (attachment) => ({
          attachmentId: attachment.id,
          contextId: attachment.contextId,
          contextName: (await loaders.context.load(attachment.contextId))?.name ?? '',
          priority: attachment.priority,
        })),
      );
      const fromContexts = (
        await loaders.contextConfig.loadMany(sources.map((source) => source.contextId))
      ).flatMap((elements) => (elements instanceof Error ? [] : elements));
      return mergeRuntimeConfig(own, sources, fromContexts);
    },
    state: async (parent, _args, context) =>
      (await context.loaders.stackState.load(parent.id)).state,
  },

  ConfigElementWithSource: {
    context: (parent) =>
      parent.source
        ? {
            id: parent.source.attachmentId,
            contextId: parent.source.contextId,
            priority: parent.source.priority,
          }
        : null,
  },

  ConfigElement: {
    createdAt: (parent) => Math.floor(parent.createdAt.getTime() / 1000),
    // A weak secret could be guessed from its checksum, so only those who may change a
    // write-only value see it; the field is non-null, so others get an empty string.
    checksum: async (parent, _args, context) =>
      !parent.writeOnly || (await mayWriteElement(context, parent)) ? parent.checksum : '',
    runtime: () => false,
    // Write-only values are kept sealed and never leave the service.
    value: (parent) => (parent.writeOnly ? null : parent.value),
  },
};
