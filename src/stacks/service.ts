import { and, eq, ne, notInArray, or, type SQL } from 'drizzle-orm';
import slugify from 'slugify';
import { ulid } from 'ulid';
import type { Database } from '../db';
import { RunState, TERMINAL_STATES } from '../runs/types';
import { sha256Hex, type SecretBox } from '../platform/secrets';
import { repositoryProblem } from '../vcs/rawGit';
import { isReservedVariable } from './runtimeConfig';
import { parseState, storeState } from '../state/store';
import * as contextsTables from '../contexts/tables';
import * as runsTables from '../runs/tables';
import * as tables from './tables';
import type { ConfigElementRow, Context } from '../contexts/tables';
import type { Stack } from './tables';
import { ConflictError, NotFoundError } from '../platform/errors';
import { InvalidInputError } from '../platform/errors';

export interface StackInput {
  name: string;
  description?: string | null;
  provider: 'GITLAB' | 'RAW_GIT';
  repository: string;
  branch: string;
  projectRoot?: string | null;
  labels?: string[];
  autodeploy?: boolean;
  administrative?: boolean;
  managesStateFile?: boolean;
  terraformVersion?: string | null;
  readersSlug?: string | null;
  writersSlug?: string | null;
}

export interface ConfigInput {
  id: string;
  type: 'ENVIRONMENT_VARIABLE' | 'FILE_MOUNT';
  value: string;
  writeOnly: boolean;
}

/** The id a stack or context gets from its name: lowercase words joined by dashes. */
export function slugOf(name: string): string {
  const slug = slugify(name, { lower: true, strict: true, trim: true });
  if (!slug) {
    throw new InvalidInputError(`name "${name}" has no letters or digits to make an id from`);
  }
  return slug;
}

/**
 * Stacks, contexts and their configuration as users manage them. Write-only values are sealed
 * before they are stored and never come back out of this service.
 */
export class StackService {
  constructor(
    private readonly deps: {
      db: Database;
      box: SecretBox;
      /** Whether RAW_GIT stacks may name file:// repositories (GANTRY_ALLOW_FILE_REPOSITORIES). */
      allowFileRepositories?: boolean;
    },
  ) {}

  /** Creates a stack; with `state`, an existing state file becomes its first state version. */
  async createStack(input: StackInput, options: { state?: Buffer } = {}): Promise<Stack> {
    validateStack(input, this.deps.allowFileRepositories ?? false);
    if (options.state) parseState(options.state);
    const id = slugOf(input.name);
    const [stack] = await this.deps.db
      .insert(tables.stacks)
      .values({ id, ...stackColumns(input) })
      .onConflictDoNothing()
      .returning();
    if (!stack) throw new ConflictError(`a stack with id "${id}" exists; choose another name`);
    if (options.state) {
      try {
        await storeState(this.deps.db, { stackId: id, content: options.state });
      } catch (error) {
        await this.deps.db.delete(tables.stacks).where(eq(tables.stacks.id, id));
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
    const [stack] = await this.deps.db
      .update(tables.stacks)
      .set({ awsAssumedRoleArn: arn, updatedAt: new Date() })
      .where(eq(tables.stacks.id, id))
      .returning();
    if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
    return stack;
  }

  /** Everything but the id, which is fixed at creation. */
  async updateStack(id: string, input: StackInput): Promise<Stack> {
    validateStack(input, this.deps.allowFileRepositories ?? false);
    const [stack] = await this.deps.db
      .update(tables.stacks)
      .set({ ...stackColumns(input), updatedAt: new Date() })
      .where(eq(tables.stacks.id, id))
      .returning();
    if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
    return stack;
  }

  /** Deletes a stack with its runs, config and state; refused while a run is under way. */
  async deleteStack(id: string): Promise<Stack> {
    return this.deps.db.transaction(async (tx) => {
      // A run whose workflow was never started (Temporal was unreachable) is only a row: it
      // goes with the stack. Should the reconciler start one at this very moment, its workflow
      // finds the run gone and fails at its first step.
      const active = await tx
        .select({ id: runsTables.runs.id, state: runsTables.runs.state })
        .from(runsTables.runs)
        .where(
          and(
            eq(runsTables.runs.stackId, id),
            notInArray(runsTables.runs.state, [...TERMINAL_STATES]),
            or(
              ne(runsTables.runs.state, RunState.QUEUED),
              eq(runsTables.runs.workflowStarted, true),
            ),
          ),
        )
        .for('update')
        .limit(1);
      if (active[0]) {
        throw new ConflictError(
          `stack "${id}" has run ${active[0].id} in ${active[0].state}; stop, cancel or discard it first`,
        );
      }
      const [stack] = await tx.delete(tables.stacks).where(eq(tables.stacks.id, id)).returning();
      if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
      return stack;
    });
  }

  async addStackConfig(stackId: string, input: ConfigInput): Promise<ConfigElementRow> {
    await this.requireStack(stackId);
    return this.putConfig({ stackId }, input);
  }

  async deleteStackConfig(stackId: string, id: string): Promise<ConfigElementRow> {
    return this.removeConfig(
      and(
        eq(contextsTables.configElements.stackId, stackId),
        eq(contextsTables.configElements.id, id),
      )!,
      `stack "${stackId}" has no config element "${id}"`,
    );
  }

  async createContext(input: { name: string; description?: string | null }): Promise<Context> {
    const id = slugOf(input.name);
    const [context] = await this.deps.db
      .insert(contextsTables.contexts)
      .values({ id, name: input.name, description: input.description ?? null })
      .onConflictDoNothing()
      .returning();
    if (!context) throw new ConflictError(`a context with id "${id}" exists; choose another name`);
    return context;
  }

  async updateContext(
    id: string,
    input: { name: string; description?: string | null },
  ): Promise<Context> {
    const [context] = await this.deps.db
      .update(contextsTables.contexts)
      .set({ name: input.name, description: input.description ?? null, updatedAt: new Date() })
      .where(eq(contextsTables.contexts.id, id))
      .returning();
    if (!context) throw new NotFoundError(`context "${id}" does not exist`);
    return context;
  }

  /** Deletes a context, its config and its attachments. */
  async deleteContext(id: string): Promise<Context> {
    const [context] = await this.deps.db
      .delete(contextsTables.contexts)
      .where(eq(contextsTables.contexts.id, id))
      .returning();
    if (!context) throw new NotFoundError(`context "${id}" does not exist`);
    return context;
  }

  /** Attaches a context to a stack; attaching it again changes its priority. */
  async attachContext(contextId: string, stackId: string, priority: number) {
    if (!Number.isInteger(priority) || priority < 0) {
      throw new InvalidInputError(`priority must be a whole number, 0 or more (got ${priority})`);
    }
    await this.requireStack(stackId);
    const [context] = await this.deps.db
      .select({ id: contextsTables.contexts.id })
      .from(contextsTables.contexts)
      .where(eq(contextsTables.contexts.id, contextId));
    if (!context) throw new NotFoundError(`context "${contextId}" does not exist`);
    const [attachment] = await this.deps.db
      .insert(contextsTables.contextAttachments)
      .values({ id: ulid(), contextId, stackId, priority })
      .onConflictDoUpdate({
        target: [
          contextsTables.contextAttachments.contextId,
          contextsTables.contextAttachments.stackId,
        ],
        set: { priority },
      })
      .returning();
    return attachment!;
  }

  async detachContext(attachmentId: string) {
    const [attachment] = await this.deps.db
      .delete(contextsTables.contextAttachments)
      .where(eq(contextsTables.contextAttachments.id, attachmentId))
      .returning();
    if (!attachment) throw new NotFoundError(`attachment "${attachmentId}" does not exist`);
    return attachment;
  }

  async addContextConfig(contextId: string, input: ConfigInput): Promise<ConfigElementRow> {
    const [context] = await this.deps.db
      .select({ id: contextsTables.contexts.id })
      .from(contextsTables.contexts)
      .where(eq(contextsTables.contexts.id, contextId));
    if (!context) throw new NotFoundError(`context "${contextId}" does not exist`);
    return this.putConfig({ contextId }, input);
  }

  async deleteContextConfig(contextId: string, id: string): Promise<ConfigElementRow> {
    return this.removeConfig(
      and(
        eq(contextsTables.configElements.contextId, contextId),
        eq(contextsTables.configElements.id, id),
      )!,
      `context "${contextId}" has no config element "${id}"`,
    );
  }

  private async requireStack(stackId: string) {
    const [stack] = await this.deps.db
      .select({ id: tables.stacks.id })
      .from(tables.stacks)
      .where(eq(tables.stacks.id, stackId));
    if (!stack) throw new NotFoundError(`stack "${stackId}" does not exist`);
  }

  /** Adds or replaces an element; a write-only value is sealed, and only its checksum shows. */
  private async putConfig(
    owner: { stackId: string } | { contextId: string },
    input: ConfigInput,
  ): Promise<ConfigElementRow> {
    validateConfig(input);
    const sealed = input.writeOnly;
    const row = {
      stackId: 'stackId' in owner ? owner.stackId : null,
      contextId: 'contextId' in owner ? owner.contextId : null,
      id: input.id,
      type: input.type,
      writeOnly: input.writeOnly,
      value: sealed ? null : input.value,
      encryptedValue: sealed ? this.deps.box.seal(input.value) : null,
      checksum: sha256Hex(input.value),
      createdAt: new Date(),
    };
    const target =
      'stackId' in owner
        ? [contextsTables.configElements.stackId, contextsTables.configElements.id]
        : [contextsTables.configElements.contextId, contextsTables.configElements.id];
    const [element] = await this.deps.db
      .insert(contextsTables.configElements)
      .values(row)
      .onConflictDoUpdate({ target, set: row })
      .returning();
    return element!;
  }

  private async removeConfig(where: SQL, missing: string): Promise<ConfigElementRow> {
    const [element] = await this.deps.db
      .delete(contextsTables.configElements)
      .where(where)
      .returning();
    if (!element) throw new NotFoundError(missing);
    return element;
  }
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
    administrative: input.administrative ?? false,
    managesStateFile: input.managesStateFile ?? true,
    terraformVersion: input.terraformVersion ?? null,
    readersSlug: input.readersSlug ?? null,
    writersSlug: input.writersSlug ?? null,
  };
}

function validateStack(input: StackInput, allowFile: boolean) {
  if (!input.name.trim()) throw new InvalidInputError('a stack needs a name');
  if (!input.repository.trim()) throw new InvalidInputError('a stack needs a repository');
  if (input.provider === 'RAW_GIT') {
    const problem = repositoryProblem(input.repository, { allowFile });
    if (problem) throw new InvalidInputError(problem);
  }
  if (!input.branch.trim()) throw new InvalidInputError('a stack needs a branch to track');
  const root = input.projectRoot;
  if (root && (root.startsWith('/') || root.split('/').includes('..'))) {
    throw new InvalidInputError(
      `projectRoot "${root}" must be a path inside the repository, such as "infra/prod"`,
    );
  }
}

function validateConfig(input: ConfigInput) {
  if (input.type === 'ENVIRONMENT_VARIABLE') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(input.id)) {
      throw new InvalidInputError(
        `"${input.id}" is not an environment variable name: use letters, digits and _, not starting with a digit`,
      );
    }
    if (isReservedVariable(input.id)) {
      throw new InvalidInputError(
        `"${input.id}" is set by Gantry for every run (PATH, HOME, TF_HTTP_*, GANTRY_* and TF_VAR_gantry_*); choose another name`,
      );
    }
    return;
  }
  if (
    input.id.startsWith('/') ||
    input.id.split('/').some((part) => part === '..' || part === '.' || part === '')
  ) {
    throw new InvalidInputError(
      `file mount path "${input.id}" must be relative to the project root, such as "secrets/key.json"`,
    );
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input.value) || input.value.length % 4 !== 0) {
    throw new InvalidInputError(`the value of file mount "${input.id}" must be base64`);
  }
}
