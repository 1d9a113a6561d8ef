import { loadedSpace, spaceAs } from './spaces';
import { existingSpace } from '../../spaces/service';
import { searchStacks } from './search';
import { currentOutputs, currentResources, parseState, storeState } from '../../state/store';
import { mergeRuntimeConfig } from '../../contexts/runtimeConfig';
import { type StackInput as ServiceStackInput } from '../../stacks/service';
import { HOOK_NAMES } from '../../stacks/hooks';
import type { GraphQLContext } from './context';
import {
  administeredStack,
  authenticated,
  isAdminIn,
  readableStacks,
  requireAdmin,
  spaceOfInput,
  writableStack,
} from './guard';
import type { GraphQLResolveInfo } from 'graphql';
import { RUN_TYPES, type Run, type RunList } from '../../runs/store';
import { runColumnsFor } from './runs';
import type { Resolvers, StackInput, Team } from './types.generated';
import type { ConfigElementRow } from '../../contexts/service';
import type { Stack } from '../../stacks/service';
import { InvalidInputError } from '../../platform/errors';
import { seconds } from './models';

const AWS_NEW_ROLE_LINK = 'https://console.aws.amazon.com/iam/home#/roles$new?step=type';

/**
 * StackInput as Spacelift's clients send it, in the stack service's terms: the GIT form (a
 * repository name, its URL in repositoryURL) is kept as a RAW_GIT stack whose repository is
 * the URL; settings for what Gantry cannot do are refused, those it merely keeps are kept.
 */
export function serviceInput(input: StackInput, managesStateFile?: boolean): ServiceStackInput {
  refuseWhatGantryCannotDo(input);
  const tool = toolOf(input);
  const terraformVersion = tool.version ?? input.terraformVersion ?? null;
  if (tool.version && input.terraformVersion && tool.version !== input.terraformVersion) {
    throw new InvalidInputError(
      `terraformVersion "${input.terraformVersion}" and vendorConfig's version "${tool.version}" differ: give one of them`,
    );
  }
  return {
    name: input.name,
    description: input.description ?? null,
    branch: input.branch,
    projectRoot: input.projectRoot ?? null,
    hooks: Object.fromEntries(HOOK_NAMES.map((hook) => [hook, input[hook]])),
    labels: input.labels ?? [],
    autodeploy: input.autodeploy ?? false,
    // Spacelift's clients do not know trackTags: left out, an update keeps it (null turns it off).
    ...(input.trackTags === undefined ? {} : { trackTags: input.trackTags }),
    administrative: input.administrative,
    terraformVersion,
    readersSlug: input.readersSlug ?? null,
    writersSlug: input.writersSlug ?? null,
    protectFromDeletion: input.protectFromDeletion ?? false,
    space: input.space ?? null,
    workerPool: input.workerPool ?? null,
    ...source(input),
    clientSettings: {
      ...(input.autoretry != null && { autoretry: input.autoretry }),
      ...(input.githubActionDeploy != null && { githubActionDeploy: input.githubActionDeploy }),
      ...(input.localPreviewEnabled != null && { localPreviewEnabled: input.localPreviewEnabled }),
      ...(input.enableWellKnownSecretMasking != null && {
        enableWellKnownSecretMasking: input.enableWellKnownSecretMasking,
      }),
      ...(input.enableSensitiveOutputUpload != null && {
        enableSensitiveOutputUpload: input.enableSensitiveOutputUpload,
      }),
      ...(input.additionalProjectGlobs && {
        additionalProjectGlobs: input.additionalProjectGlobs,
      }),
      ...(input.gitSparseCheckoutPaths && {
        gitSparseCheckoutPaths: input.gitSparseCheckoutPaths,
      }),
      vendor: tool.vendor,
      ...(tool.useSmartSanitization != null && { useSmartSanitization: tool.useSmartSanitization }),
      ...(tool.concise != null && { concise: tool.concise }),
    },
    ...(managesStateFile === undefined ? {} : { managesStateFile }),
  };
}

/** Where the code is, from provider, repository, repositoryURL and namespace. */
function source(
  input: StackInput,
): Pick<ServiceStackInput, 'provider' | 'repository' | 'repositoryName' | 'namespace'> {
  const url = input.repositoryURL?.trim() || null;
  const namespace = input.namespace?.trim() || null;
  switch (input.provider ?? 'GITLAB') {
    case 'GIT':
      if (!url) {
        throw new InvalidInputError(
          'a GIT stack needs repositoryURL, the URL git clones; repository is the name shown for it',
        );
      }
      return { provider: 'RAW_GIT', repository: url, repositoryName: input.repository, namespace };
    case 'RAW_GIT':
      if (url && url !== input.repository) {
        throw new InvalidInputError(
          "a RAW_GIT stack's repository is its URL: leave repositoryURL out, or give provider GIT with the repository's name and repositoryURL",
        );
      }
      return { provider: 'RAW_GIT', repository: input.repository };
    case 'GITLAB':
      // Spacelift names a GitLab project by its group (namespace) and name, and answers them
      // so; Gantry reaches it by its path.
      return namespace && !input.repository.includes('/')
        ? {
            provider: 'GITLAB',
            repository: `${namespace}/${input.repository}`,
            repositoryName: input.repository,
            namespace,
          }
        : { provider: 'GITLAB', repository: input.repository };
  }
}

function refuseWhatGantryCannotDo(input: StackInput) {
  if (input.runnerImage?.trim()) {
    throw new InvalidInputError(
      'Gantry runs tools on its workers, not in container images: leave runnerImage (runner_image) unset',
    );
  }
  if (input.vcsIntegrationId && input.vcsIntegrationId !== GITLAB_INTEGRATION.id) {
    throw new InvalidInputError(
      `Gantry has one GitLab integration (gitlabIntegration), "${GITLAB_INTEGRATION.id}": leave vcsIntegrationId unset or give that`,
    );
  }
}

/** The tool settings of vendorConfig: Gantry runs OpenTofu, set as terraform or opentofu. */
function toolOf(input: StackInput): {
  vendor: 'terraform' | 'opentofu';
  version?: string | null;
  useSmartSanitization?: boolean | null;
  concise?: boolean | null;
} {
  const config = input.vendorConfig;
  if (!config) return { vendor: 'terraform' };
  const given = Object.entries(config).filter(([, value]) => value != null);
  if (given.length !== 1) {
    throw new InvalidInputError(
      `vendorConfig takes exactly one tool, not ${given.length === 0 ? 'none' : given.map(([name]) => name).join(' and ')}`,
    );
  }
  const [[vendor, settings]] = given as [[string, Record<string, unknown>]];
  if (vendor !== 'terraform' && vendor !== 'opentofu') {
    throw new InvalidInputError(
      `Gantry runs OpenTofu only, not ${vendor}: set vendorConfig.terraform (workflowTool OPEN_TOFU) or vendorConfig.opentofu`,
    );
  }
  const tool = vendor === 'terraform' ? config.terraform! : config.opentofu!;
  const workflowTool = tool.workflowTool;
  if (workflowTool && workflowTool !== 'OPEN_TOFU' && workflowTool !== 'OPENTOFU') {
    throw new InvalidInputError(
      `Gantry runs OpenTofu, not workflowTool ${workflowTool}: leave it unset or give ${vendor === 'terraform' ? 'OPEN_TOFU' : 'OPENTOFU'}`,
    );
  }
  if (tool.workspace && tool.workspace !== 'default') {
    throw new InvalidInputError(
      `Gantry runs every stack in OpenTofu's default workspace: leave workspace unset, not "${tool.workspace}"`,
    );
  }
  if (tool.externalStateAccessEnabled) {
    throw new InvalidInputError(
      "Gantry gives a stack's state to its own runs only: externalStateAccessEnabled must be false",
    );
  }
  return {
    vendor,
    version: tool.version?.trim() || null,
    useSmartSanitization: tool.useSmartSanitization ?? null,
    concise: 'concise' in settings ? (settings.concise as boolean | null) : null,
  };
}

/**
 * Whether the caller may change the element: a stack's those who may write the stack (its
 * space's admins among them), a context's its space's admins.
 */
async function mayWriteElement(context: GraphQLContext, element: ConfigElementRow) {
  const { viewer, access } = authenticated(context);
  if (element.stackId) {
    const stack = await context.loaders.stack.load(element.stackId);
    return stack !== undefined && (await access.canWrite(stack));
  }
  const owner = element.contextId
    ? await context.loaders.context.load(element.contextId)
    : undefined;
  return owner !== undefined && isAdminIn(viewer, owner.space);
}

/** Gantry's one GitLab integration, as Spacelift names a stack's VCS integration. */
const GITLAB_INTEGRATION = { id: 'gitlab', isDefault: true };

/** The trust statement a stack's AWS role needs, for the principal Gantry's workers run as. */
function assumeRolePolicyStatement(stack: Stack) {
  return JSON.stringify({
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    // Gantry cannot know which principal its workers run as; the statement names the slot.
    Principal: { AWS: '<ARN of the IAM role or user Gantry workers run as>' },
    Condition: { StringEquals: { 'sts:RoleSessionName': `gantry-${stack.id}` } },
  });
}

const team = (slug: string | null): Team | null => (slug ? { id: slug, name: slug, slug } : null);

/**
 * A stack's runs of one list, a page at a time. The first page, which a list of stacks asks
 * of every stack, holds only the columns the fields asked of its runs read (runColumnsFor);
 * the Run resolvers read no others.
 */
function runList(list: RunList) {
  return async (
    parent: Stack,
    args: { before?: string | null },
    context: GraphQLContext,
    info: GraphQLResolveInfo,
  ): Promise<Run[]> =>
    args.before
      ? context.services.runs.listRuns(parent.id, { types: [RUN_TYPES[list]], before: args.before })
      : context.loaders.firstRunPage(parent.id, list, runColumnsFor(info));
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
    stackCreate: async (_parent, { input, manageState, stackObjectID, slug }, context) => {
      requireAdmin(context, spaceOfInput(input.space));
      const { stacks, uploads } = context.services;
      if (!stackObjectID) return stacks.createStack(serviceInput(input, manageState), { slug });
      if (!manageState) {
        throw new InvalidInputError(
          'stackObjectID hands an existing state file to Gantry, so manageState must be true',
        );
      }
      const state = await uploads.content(stackObjectID);
      parseState(state);
      const stack = await stacks.createStack(serviceInput(input, true), {
        slug,
        initialize: async (created) => {
          await storeState(context.services.db, { stackId: created.id, content: state });
        },
      });
      await uploads.remove(stackObjectID);
      return stack;
    },
    stackUpdate: async (_parent, { id, input }, context) => {
      const stack = await administeredStack(context, id);
      requireAdmin(context, spaceOfInput(input.space));
      const { stacks, contexts, policies, db } = context.services;
      const space = await existingSpace(db, input.space);
      if (stack.space !== space) {
        await contexts.refuseStackMove(id, space);
        await policies.refuseStackMove(id, space);
      }
      return stacks.updateStack(id, serviceInput(input));
    },
    stackDelete: async (_parent, { id, destroyResources }, context) => {
      await administeredStack(context, id);
      const { runs } = context.services;
      if (!destroyResources) return runs.deleteStack(id);
      // Always by a run: only OpenTofu can tell what the state holds (it may be encrypted, or
      // kept elsewhere); a destroy run with nothing to destroy ends at its plan.
      return runs.deleteStackWithResources(id, context.viewer!.id);
    },
    stackSetAwsRoleDelegation: async (_parent, { id, roleArn }, context) => {
      await administeredStack(context, id);
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
      const stack = await writableStack(context, id);
      const viewer = context.viewer!;
      return context.services.locks.unlock(id, viewer.id, {
        admin: isAdminIn(viewer, stack.space),
      });
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
        timestamp: seconds(new Date(commit.timestamp)),
        url: commit.url,
      };
    },
    attachedContexts: (parent, _args, context) => context.loaders.stackAttachments.load(parent.id),
    awsAssumedRoleARN: (parent) => parent.awsAssumedRoleArn,
    awsAssumeRoleLink: () => AWS_NEW_ROLE_LINK,
    awsAssumeRolePolicyStatement: (parent) => assumeRolePolicyStatement(parent),
    blocker: async (parent, _args, context) =>
      (await context.loaders.blocker.load(parent.id)) ?? null,
    canWrite: (parent, _args, context) => authenticated(context).access.canWrite(parent),
    createdAt: (parent) => seconds(parent.createdAt),
    stateSetAt: async (parent, _args, context) => {
      const { setAt } = await context.loaders.stackState.load(parent.id);
      return setAt ? seconds(setAt) : null;
    },
    deleted: () => false,
    deleting: (parent) => parent.deleting,
    autoretry: (parent) => parent.clientSettings.autoretry ?? false,
    localPreviewEnabled: (parent) => parent.clientSettings.localPreviewEnabled ?? false,
    githubActionDeploy: (parent) => parent.clientSettings.githubActionDeploy ?? false,
    enableWellKnownSecretMasking: (parent) =>
      parent.clientSettings.enableWellKnownSecretMasking ?? false,
    enableSensitiveOutputUpload: (parent) =>
      parent.clientSettings.enableSensitiveOutputUpload ?? false,
    additionalProjectGlobs: (parent) => parent.clientSettings.additionalProjectGlobs ?? [],
    gitSparseCheckoutPaths: (parent) => parent.clientSettings.gitSparseCheckoutPaths ?? [],
    starred: () => false,
    provider: (parent) =>
      parent.provider === 'RAW_GIT' && parent.repositoryName ? 'GIT' : parent.provider,
    repository: (parent) => parent.repositoryName ?? parent.repository,
    repositoryURL: (parent) => (parent.provider === 'GITLAB' ? null : parent.repository),
    namespace: (parent) =>
      parent.namespace ??
      (parent.provider === 'GITLAB' ? parent.repository.split('/').slice(0, -1).join('/') : ''),
    vcsIntegration: (parent) => (parent.provider === 'GITLAB' ? GITLAB_INTEGRATION : null),
    integrations: (parent) => ({
      aws: {
        assumedRoleArn: parent.awsAssumedRoleArn,
        assumeRolePolicyStatement: assumeRolePolicyStatement(parent),
        externalID: null,
        generateCredentialsInWorker: parent.awsAssumedRoleArn !== null,
        durationSeconds: null,
        region: null,
      },
      driftDetection: null,
      gcp: null,
      webhooks: [],
    }),
    runnerImage: () => null,
    space: (parent) => parent.space,
    spaceDetails: async (parent, _args, context) => {
      const { viewer, access } = authenticated(context);
      return spaceAs(
        await loadedSpace(context, parent.space),
        isAdminIn(viewer, parent.space)
          ? 'ADMIN'
          : (await access.canWrite(parent))
            ? 'WRITE'
            : 'READ',
      );
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
    dependsOn: () => [],
    isDependedOnBy: () => [],
    vendorConfig: (parent) =>
      parent.clientSettings.vendor === 'opentofu'
        ? {
            __typename: 'StackConfigVendorOpenTofu' as const,
            concise: parent.clientSettings.concise ?? false,
            useSmartSanitization: parent.clientSettings.useSmartSanitization ?? false,
            version: parent.terraformVersion,
            workflowTool: 'OPENTOFU' as const,
            workspace: null,
            externalStateAccessEnabled: false,
          }
        : {
            __typename: 'StackConfigVendorTerraform' as const,
            useSmartSanitization: parent.clientSettings.useSmartSanitization ?? false,
            version: parent.terraformVersion,
            workflowTool: 'OPEN_TOFU' as const,
            workspace: null,
            externalStateAccessEnabled: false,
          },
    workerPool: async (parent, _args, context) =>
      parent.workerPool
        ? ((await context.loaders.workerPool.load(parent.workerPool)) ?? null)
        : null,
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
    createdAt: (parent) => seconds(parent.createdAt),
    // A weak secret could be guessed from its checksum, so only those who may change a
    // write-only value see it; the field is non-null, so others get an empty string.
    checksum: async (parent, _args, context) =>
      !parent.writeOnly || (await mayWriteElement(context, parent)) ? parent.checksum : '',
    runtime: () => false,
    // Write-only values are kept sealed and never leave the service.
    value: (parent) => (parent.writeOnly ? null : parent.value),
  },
};
