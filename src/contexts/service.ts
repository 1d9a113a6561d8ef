import type { Database } from '../db';
import { ConflictError, InvalidInputError, NotFoundError } from '../platform/errors';
import { sha256Hex, type SecretBox } from '../platform/secrets';
import { existingSpace, refuseUnreachable } from '../spaces/service';
import { validHooks, type HookLists } from '../stacks/hooks';
import { slugOf, validLabels } from '../platform/input';
import type { StackService } from '../stacks/service';
import { variableNameProblem } from './runtimeConfig';
import {
  addContext,
  attachmentsOfContexts,
  attachmentsOfStacks,
  changeContext,
  contextById,
  contextExists,
  contextIdsInSpace,
  putConfigElement,
  removeConfigElement,
  removeContext,
  removeContextAttachment,
  setContextAttachment,
  type ConfigOwner,
} from './store';
import type { ConfigElementRow, Context } from './store';

export type { ConfigElementRow, Context } from './store';

export interface ContextInput {
  name: string;
  description?: string | null;
  labels?: readonly string[];
  hooks?: HookLists;
  /** The context's space: root when null; an update without it keeps the context's. */
  space?: string | null;
}

export interface ConfigInput {
  id: string;
  type: 'ENVIRONMENT_VARIABLE' | 'FILE_MOUNT';
  value: string;
  writeOnly: boolean;
  description?: string | null;
}

/**
 * Contexts, their attachments to stacks, and the config elements of stacks and contexts as
 * users manage them. Write-only values are sealed before they are stored and never come back
 * out of this service.
 */
export class ContextService {
  constructor(
    private readonly deps: {
      db: Database;
      box: SecretBox;
      stacks: StackService;
    },
  ) {}

  async addStackConfig(stackId: string, input: ConfigInput): Promise<ConfigElementRow> {
    await this.deps.stacks.stack(stackId);
    return this.putConfig({ stackId }, input);
  }

  async deleteStackConfig(stackId: string, id: string): Promise<ConfigElementRow> {
    return this.removeConfig({ stackId }, id, `stack "${stackId}" has no config element "${id}"`);
  }

  /** Creates a context; labels and hooks not given are empty. */
  async createContext(input: ContextInput): Promise<Context> {
    const id = slugOf(input.name);
    const context = await addContext(this.deps.db, {
      id,
      space: await existingSpace(this.deps.db, input.space),
      name: input.name,
      description: input.description ?? null,
      labels: validLabels(input.labels ?? []),
      hooks: validHooks(input.hooks ?? {}, `context "${id}"`),
    });
    if (!context) throw new ConflictError(`a context with id "${id}" exists; choose another name`);
    return context;
  }

  /**
   * Changes a context's name and description, and its labels, hooks and space when they are
   * given. It moves to another space only if every stack it is attached to may still use it there.
   */
  async updateContext(id: string, input: ContextInput): Promise<Context> {
    let space: string | undefined;
    if (input.space !== undefined) {
      space = await existingSpace(this.deps.db, input.space);
      const [attachments] = await attachmentsOfContexts(this.deps.db, [id]);
      for (const { stackId } of attachments ?? []) {
        await refuseUnreachable(
          this.deps.db,
          { description: `context "${id}"`, space },
          await this.deps.stacks.stack(stackId),
        );
      }
    }
    const context = await changeContext(this.deps.db, id, {
      ...(space ? { space } : {}),
      name: input.name,
      description: input.description ?? null,
      ...(input.labels ? { labels: validLabels(input.labels) } : {}),
      ...(input.hooks ? { hooks: validHooks(input.hooks, `context "${id}"`) } : {}),
    });
    if (!context) throw new NotFoundError(`context "${id}" does not exist`);
    return context;
  }

  /** Deletes a context, its config and its attachments. */
  async deleteContext(id: string): Promise<Context> {
    const context = await removeContext(this.deps.db, id);
    if (!context) throw new NotFoundError(`context "${id}" does not exist`);
    return context;
  }

  /** Attaches a context to a stack; attaching it again changes its priority. */
  async attachContext(contextId: string, stackId: string, priority: number) {
    if (!Number.isInteger(priority) || priority < 0) {
      throw new InvalidInputError(`priority must be a whole number, 0 or more (got ${priority})`);
    }
    const stack = await this.deps.stacks.stack(stackId);
    const context = await contextById(this.deps.db, contextId);
    if (!context) throw new NotFoundError(`context "${contextId}" does not exist`);
    await refuseUnreachable(
      this.deps.db,
      { description: `context "${contextId}"`, space: context.space },
      stack,
    );
    return setContextAttachment(this.deps.db, contextId, stackId, priority);
  }

  /** Refuses to move a stack to a space from which it could not use a context attached to it. */
  async refuseStackMove(stackId: string, space: string): Promise<void> {
    const [attachments] = await attachmentsOfStacks(this.deps.db, [stackId]);
    for (const { contextId } of attachments ?? []) {
      const context = await contextById(this.deps.db, contextId);
      if (!context) continue;
      await refuseUnreachable(
        this.deps.db,
        { description: `context "${contextId}"`, space: context.space },
        { id: stackId, space },
      );
    }
  }

  /** The ids of the contexts in a space. */
  idsInSpace(space: string): Promise<string[]> {
    return contextIdsInSpace(this.deps.db, space);
  }

  async detachContext(attachmentId: string) {
    const attachment = await removeContextAttachment(this.deps.db, attachmentId);
    if (!attachment) throw new NotFoundError(`attachment "${attachmentId}" does not exist`);
    return attachment;
  }

  async addContextConfig(contextId: string, input: ConfigInput): Promise<ConfigElementRow> {
    if (!(await contextExists(this.deps.db, contextId))) {
      throw new NotFoundError(`context "${contextId}" does not exist`);
    }
    return this.putConfig({ contextId }, input);
  }

  async deleteContextConfig(contextId: string, id: string): Promise<ConfigElementRow> {
    return this.removeConfig(
      { contextId },
      id,
      `context "${contextId}" has no config element "${id}"`,
    );
  }

  private async putConfig(owner: ConfigOwner, input: ConfigInput): Promise<ConfigElementRow> {
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
      description: input.description ?? null,
      createdAt: new Date(),
    };
    return putConfigElement(this.deps.db, owner, row);
  }

  private async removeConfig(
    owner: ConfigOwner,
    id: string,
    missing: string,
  ): Promise<ConfigElementRow> {
    const element = await removeConfigElement(this.deps.db, owner, id);
    if (!element) throw new NotFoundError(missing);
    return element;
  }
}

function validateConfig(input: ConfigInput) {
  if (input.type === 'ENVIRONMENT_VARIABLE') {
    const problem = variableNameProblem(input.id);
    if (problem) throw new InvalidInputError(problem);
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
