import { and, eq, type SQL } from 'drizzle-orm';
import { ulid } from 'ulid';
import type { Database } from '../db';
import { ConflictError, InvalidInputError, NotFoundError } from '../platform/errors';
import { sha256Hex, type SecretBox } from '../platform/secrets';
import { slugOf, type StackService } from '../stacks/service';
import { isReservedVariable } from './runtimeConfig';
import * as tables from './tables';
import type { ConfigElementRow, Context } from './tables';

export type { ConfigElementRow, Context } from './tables';

export interface ConfigInput {
  id: string;
  type: 'ENVIRONMENT_VARIABLE' | 'FILE_MOUNT';
  value: string;
  writeOnly: boolean;
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
    return this.removeConfig(
      and(eq(tables.configElements.stackId, stackId), eq(tables.configElements.id, id))!,
      `stack "${stackId}" has no config element "${id}"`,
    );
  }

  async createContext(input: { name: string; description?: string | null }): Promise<Context> {
    const id = slugOf(input.name);
    const [context] = await this.deps.db
      .insert(tables.contexts)
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
      .update(tables.contexts)
      .set({ name: input.name, description: input.description ?? null, updatedAt: new Date() })
      .where(eq(tables.contexts.id, id))
      .returning();
    if (!context) throw new NotFoundError(`context "${id}" does not exist`);
    return context;
  }

  /** Deletes a context, its config and its attachments. */
  async deleteContext(id: string): Promise<Context> {
    const [context] = await this.deps.db
      .delete(tables.contexts)
      .where(eq(tables.contexts.id, id))
      .returning();
    if (!context) throw new NotFoundError(`context "${id}" does not exist`);
    return context;
  }

  /** Attaches a context to a stack; attaching it again changes its priority. */
  async attachContext(contextId: string, stackId: string, priority: number) {
    if (!Number.isInteger(priority) || priority < 0) {
      throw new InvalidInputError(`priority must be a whole number, 0 or more (got ${priority})`);
    }
    await this.deps.stacks.stack(stackId);
    const [context] = await this.deps.db
      .select({ id: tables.contexts.id })
      .from(tables.contexts)
      .where(eq(tables.contexts.id, contextId));
    if (!context) throw new NotFoundError(`context "${contextId}" does not exist`);
    const [attachment] = await this.deps.db
      .insert(tables.contextAttachments)
      .values({ id: ulid(), contextId, stackId, priority })
      .onConflictDoUpdate({
        target: [tables.contextAttachments.contextId, tables.contextAttachments.stackId],
        set: { priority },
      })
      .returning();
    return attachment!;
  }

  async detachContext(attachmentId: string) {
    const [attachment] = await this.deps.db
      .delete(tables.contextAttachments)
      .where(eq(tables.contextAttachments.id, attachmentId))
      .returning();
    if (!attachment) throw new NotFoundError(`attachment "${attachmentId}" does not exist`);
    return attachment;
  }

  async addContextConfig(contextId: string, input: ConfigInput): Promise<ConfigElementRow> {
    const [context] = await this.deps.db
      .select({ id: tables.contexts.id })
      .from(tables.contexts)
      .where(eq(tables.contexts.id, contextId));
    if (!context) throw new NotFoundError(`context "${contextId}" does not exist`);
    return this.putConfig({ contextId }, input);
  }

  async deleteContextConfig(contextId: string, id: string): Promise<ConfigElementRow> {
    return this.removeConfig(
      and(eq(tables.configElements.contextId, contextId), eq(tables.configElements.id, id))!,
      `context "${contextId}" has no config element "${id}"`,
    );
  }

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
        ? [tables.configElements.stackId, tables.configElements.id]
        : [tables.configElements.contextId, tables.configElements.id];
    const [element] = await this.deps.db
      .insert(tables.configElements)
      .values(row)
      .onConflictDoUpdate({ target, set: row })
      .returning();
    return element!;
  }

  private async removeConfig(where: SQL, missing: string): Promise<ConfigElementRow> {
    const [element] = await this.deps.db.delete(tables.configElements).where(where).returning();
    if (!element) throw new NotFoundError(missing);
    return element;
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
