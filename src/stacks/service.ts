import type { Database, Transaction } from '../db';
import type { SecretBox } from '../platform/secrets';
import type { CommitInfo } from '../vcs';
import { gitlabProjectProblem } from '../vcs/gitlab';
import { repositoryProblem } from '../vcs/rawGit';
import { existingSpace } from '../spaces/service';
import { poolForStack } from '../workerPools/service';
import { validHooks, type HookLists } from './hooks';
import { tagPatternProblem } from './tags';
import {
  addStack,
  changeStack,
  changeStackWithPool,
  protectedConflict,
  removeStack,
  removeUninitializedStack,
  stackById,
  stackIdsInSpace,
  stacksUsingPools,
} from './store';
import type { ClientSettings, Stack } from './store';

export type { Stack } from './store';
import { ConflictError, InvalidInputError, NotFoundError } from '../platform/errors';
import { slugOf } from '../platform/input';

export interface StackInput {
  name: string;
  description?: string | null;
  provider: 'GITLAB' | 'RAW_GIT';
  repository: string;
  branch: string;
  projectRoot?: string | null;
  labels?: string[];
  autodeploy?: boolean;
  /** A glob of the tag names whose pushes start tracked runs; null: none do. */
  trackTags?: string | null;
  administrative?: boolean;
  managesStateFile?: boolean;
  terraformVersion?: string | null;
  readersSlug?: string | null;
  writersSlug?: string | null;
  protectFromDeletion?: boolean;
  /** For Spacelift's GIT form: the repository's name, `repository` being its clone URL. */
  repositoryName?: string | null;
  /** A GIT stack's free-form namespace. */
  namespace?: string | null;
  clientSettings?: ClientSettings;
  /** Each hook's commands; a missing list is empty. */
  hooks?: HookLists;
  /** The space the stack is in; root when not given. */
  space?: string | null;
  /**
   * The worker pool that runs its runs, in its space or one above it; Gantry's own workers when
   * not given.
   */
  workerPool?: string | null;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Stacks as users manage them. */
export class StackService {
  constructor(
    private readonly deps: {
      db: Database;
      box: SecretBox;
      /** Whether RAW_GIT stacks may name file:// repositories (GANTRY_ALLOW_FILE_REPOSITORIES). */
      allowFileRepositories?: boolean;
    },
  ) {}

  /**
   * Creates a stack. `initialize` does what must be done with it before anyone sees it (such as
   * storing an imported state); if it fails, the stack is removed again.
   */
  async createStack(
    input: StackInput,
    options: { initialize?: (stack: Stack) => Promise<void>; slug?: string | null } = {},
  ): Promise<Stack> {
    validateStack(input, this.deps.allowFileRepositories ?? false);
    if (options.slug != null && !SLUG.test(options.slug)) {
      throw new InvalidInputError(
        `slug "${options.slug}" is not a stack id: use lowercase letters and digits in words joined by single dashes, such as "network-prod"`,
      );
    }
    const id = options.slug ?? slugOf(input.name);
    const space = await existingSpace(this.deps.db, input.space);
    const stack = await addStack(this.deps.db, { id, space, ...stackColumns(input) }, (tx) =>
      poolForStack(tx, input.workerPool, space),
    );
    if (!stack) throw new ConflictError(`a stack with id "${id}" exists; choose another name`);
    if (options.initialize) {
      try {
        await options.initialize(stack);
      } catch (error) {
        await removeUninitializedStack(this.deps.db, id);
        throw error;
      }
    }
    return stack;
  }

  /** The AWS role runs of the stack assume (as AWS_ROLE_ARN); empty or null removes it. */
  async setAwsRole(id: string, roleArn: string | null): Promise<Stack> {
    const arn = roleArn?.trim() || null;
    if (arn && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) {
      throw new InvalidInputError(
        `"${arn}" is not an IAM role ARN; it looks like arn:aws:iam::123456789012:role/deployer`,
      );
    }
    const stack = await changeStack(this.deps.db, id, { awsAssumedRoleArn: arn });
    if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
    return stack;
  }

  /** Everything but the id, which is fixed at creation. */
  async updateStack(id: string, input: StackInput): Promise<Stack> {
    validateStack(input, this.deps.allowFileRepositories ?? false);
    const space = await existingSpace(this.deps.db, input.space);
    const stack = await changeStackWithPool(
      this.deps.db,
      id,
      { space, ...stackColumns(input) },
      (tx) => poolForStack(tx, input.workerPool, space),
    );
    if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
    return stack;
  }

  /**
   * Deletes a stack with everything that belongs to it. `refuse` runs first, in the same
   * transaction, and throws to keep the stack (the run service refuses while a run is under way).
   */
  async deleteStack(
    id: string,
    refuse: (tx: Transaction) => Promise<void> = async () => {},
  ): Promise<Stack> {
    refuseProtected(await this.stack(id));
    return removeStack(this.deps.db, id, refuse);
  }

  /** The stack is no longer being deleted: its destroy run did not finish. */
  async unmarkDeleting(id: string): Promise<Stack> {
    const stack = await changeStack(this.deps.db, id, { deleting: false });
    if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
    return stack;
  }

  /** Who holds the stack's person lock (src/locks) and their note, or nobody. */
  async setLockedBy(
    id: string,
    lockedBy: string | null,
    note: string | null = null,
  ): Promise<Stack> {
    const stack = await changeStack(this.deps.db, id, {
      lockedBy,
      lockNote: lockedBy ? note : null,
    });
    if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
    return stack;
  }

  /** The commit the stack's runs take from now on; `setBy` is null when a push set it. */
  async setTrackedCommit(id: string, commit: CommitInfo, setBy: string | null): Promise<Stack> {
    const trackedCommit = { ...commit, timestamp: commit.timestamp.toISOString() };
    const stack = await changeStack(this.deps.db, id, { trackedCommit, trackedCommitSetBy: setBy });
    if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
    return stack;
  }

  /** Disables a stack (it starts no runs) or enables it again. */
  async setDisabled(id: string, isDisabled: boolean): Promise<Stack> {
    const stack = await changeStack(this.deps.db, id, { isDisabled });
    if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
    return stack;
  }

  /** The ids of the stacks in a space. */
  idsInSpace(space: string): Promise<string[]> {
    return stackIdsInSpace(this.deps.db, space);
  }

  /** The stacks whose runs a worker pool runs, with their spaces; read in `tx` when it is given. */
  async usingPool(pool: string, tx?: Transaction): Promise<Array<{ id: string; space: string }>> {
    const [stacks] = await stacksUsingPools(tx ?? this.deps.db, [pool]);
    return stacks!;
  }

  /** The stack, or NotFoundError. */
  async stack(stackId: string): Promise<Stack> {
    const stack = await stackById(this.deps.db, stackId);
    if (!stack) throw new NotFoundError(`stack "${stackId}" does not exist`);
    return stack;
  }
}

function refuseProtected(stack: Stack) {
  if (stack.protectFromDeletion) throw protectedConflict(stack.id);
}

function stackColumns(input: StackInput) {
  return {
    name: input.name,
    description: input.description ?? null,
    provider: input.provider,
    repository: input.repository,
    branch: input.branch,
    projectRoot: input.projectRoot ?? null,
    labels: input.labels ?? [],
    autodeploy: input.autodeploy ?? false,
    // Left out, an update keeps it: clients that do not know it must not turn it off.
    ...(input.trackTags === undefined ? {} : { trackTags: input.trackTags?.trim() || null }),
    administrative: input.administrative ?? false,
    // Whether Gantry keeps the state is chosen at creation (manageState); an update keeps it.
    ...(input.managesStateFile === undefined ? {} : { managesStateFile: input.managesStateFile }),
    terraformVersion: input.terraformVersion ?? null,
    readersSlug: input.readersSlug ?? null,
    writersSlug: input.writersSlug ?? null,
    protectFromDeletion: input.protectFromDeletion ?? false,
    repositoryName: input.repositoryName ?? null,
    namespace: input.namespace ?? null,
    clientSettings: input.clientSettings ?? {},
    hooks: validHooks(input.hooks ?? {}, `stack "${input.name}"`),
  };
}

function validateStack(input: StackInput, allowFile: boolean) {
  if (!input.name.trim()) throw new InvalidInputError('a stack needs a name');
  if (!input.repository.trim()) throw new InvalidInputError('a stack needs a repository');
  if (input.provider === 'RAW_GIT') {
    const problem = repositoryProblem(input.repository, { allowFile });
    if (problem) throw new InvalidInputError(problem);
  }
  if (input.provider === 'GITLAB') {
    const problem = gitlabProjectProblem(input.repository);
    if (problem) throw new InvalidInputError(problem);
  }
  if (!input.branch.trim()) throw new InvalidInputError('a stack needs a branch to track');
  const tags = input.trackTags?.trim();
  if (tags) {
    const problem = tagPatternProblem(tags);
    if (problem) throw new InvalidInputError(problem);
    if (input.provider !== 'GITLAB') {
      throw new InvalidInputError(
        'trackTags works with GitLab stacks only: their tag pushes arrive by webhook; leave it out for a RAW_GIT stack',
      );
    }
  }
  const root = input.projectRoot;
  if (root && (root.startsWith('/') || root.split('/').includes('..'))) {
    throw new InvalidInputError(
      `projectRoot "${root}" must be a path inside the repository, such as "infra/prod"`,
    );
  }
}
