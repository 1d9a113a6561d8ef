import type { Database } from '../db';
import { requiredName, slugOf } from '../platform/input';
import type { PolicyCompiler } from './compiler';
import {
  addPolicy,
  addPolicyAttachment,
  allPolicies,
  attachmentsOfPolicies,
  attachmentsOfStacks,
  changePolicy,
  policyById,
  policyIdsInSpace,
  removePolicy,
  removePolicyAttachment,
} from './store';
import { existingSpace, refuseUnreachable } from '../spaces/service';
import { stacksByIds } from '../stacks/store';
import type { Policy, PolicyAttachment } from './store';
import { ConflictError, NotFoundError, InvalidInputError } from '../platform/errors';

export type { Policy, PolicyAttachment } from './store';

export type PolicyType = Policy['type'];

export interface PolicyInput {
  name: string;
  body: string;
  labels?: string[] | null;
  description?: string | null;
  /** The Rego to compile the body as; when not given, the one it is written in. */
  engineType?: EngineType | null;
  /** The policy's space: root when null; an update without it keeps the policy's. */
  space?: string | null;
}

export type EngineType = 'REGO_V0' | 'REGO_V1';
const SYNTAX = { REGO_V0: 'v0', REGO_V1: 'v1' } as const;

// A policy is a page of Rego, not a program; this leaves room for long allow-lists.
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Stack access policies as admins manage them. A body is compiled before anything is stored,
 * so a stored policy always has the WebAssembly of its current body.
 */
export class PolicyService {
  constructor(private readonly deps: { db: Database; compiler: PolicyCompiler }) {}

  list(): Promise<Policy[]> {
    return allPolicies(this.deps.db);
  }

  async create(type: PolicyType, input: PolicyInput): Promise<Policy> {
    const id = slugOf(input.name);
    const compiled = await this.compile(input);
    const space = await existingSpace(this.deps.db, input.space);
    const policy = await addPolicy(this.deps.db, {
      id,
      type,
      space,
      ...compiled,
      ...columns(input),
    });
    if (!policy) throw new ConflictError(`a policy with id "${id}" exists; choose another name`);
    return policy;
  }

  /**
   * Everything but the id and type; the new body counts from each process's next decision. It
   * moves to another space only if every stack it is attached to may still use it there.
   */
  async update(id: string, input: PolicyInput): Promise<Policy> {
    const compiled = await this.compile(input);
    let space: string | undefined;
    if (input.space !== undefined) {
      space = await existingSpace(this.deps.db, input.space);
      const [attachments] = await attachmentsOfPolicies(this.deps.db, [id]);
      const stacks = await stacksByIds(
        this.deps.db,
        (attachments ?? []).map((attachment) => attachment.stackId),
      );
      for (const stack of stacks) {
        if (stack) {
          await refuseUnreachable(this.deps.db, { description: `policy "${id}"`, space }, stack);
        }
      }
    }
    const policy = await changePolicy(this.deps.db, id, {
      ...compiled,
      ...columns(input),
      ...(space ? { space } : {}),
    });
    if (!policy) throw new NotFoundError(`policy "${id}" does not exist`);
    return policy;
  }

  /** Deletes the policy and its attachments. */
  async delete(id: string): Promise<Policy> {
    const policy = await removePolicy(this.deps.db, id);
    if (!policy) throw new NotFoundError(`policy "${id}" does not exist`);
    return policy;
  }

  async attach(policyId: string, stackId: string): Promise<PolicyAttachment> {
    const [policy, [stack]] = await Promise.all([
      policyById(this.deps.db, policyId),
      stacksByIds(this.deps.db, [stackId]),
    ]);
    if (!policy) throw new NotFoundError(`policy "${policyId}" does not exist`);
    if (!stack) throw new NotFoundError(`stack "${stackId}" does not exist`);
    await refuseUnreachable(
      this.deps.db,
      { description: `policy "${policyId}"`, space: policy.space },
      stack,
    );
    const attachment = await addPolicyAttachment(this.deps.db, policyId, stackId);
    if (!attachment) {
      throw new ConflictError(`policy "${policyId}" is already attached to stack "${stackId}"`);
    }
    return attachment;
  }

  /** Refuses to move a stack to a space from which it could not use a policy attached to it. */
  async refuseStackMove(stackId: string, space: string): Promise<void> {
    const [attachments] = await attachmentsOfStacks(this.deps.db, [stackId]);
    for (const { policyId } of attachments ?? []) {
      const policy = await policyById(this.deps.db, policyId);
      if (!policy) continue;
      await refuseUnreachable(
        this.deps.db,
        { description: `policy "${policyId}"`, space: policy.space },
        { id: stackId, space },
      );
    }
  }

  /** The ids of the policies in a space. */
  idsInSpace(space: string): Promise<string[]> {
    return policyIdsInSpace(this.deps.db, space);
  }

  /** Detaches by the attachment's id, as policyAttach answered it. */
  async detach(attachmentId: string): Promise<PolicyAttachment> {
    const attachment = await removePolicyAttachment(this.deps.db, attachmentId);
    if (!attachment) {
      throw new NotFoundError(`policy attachment "${attachmentId}" does not exist`);
    }
    return attachment;
  }

  private async compile({ body, engineType }: PolicyInput) {
    if (!body.trim()) throw new InvalidInputError('the policy body is empty; write it in Rego');
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
      throw new InvalidInputError(`the policy body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    const compiled = await this.deps.compiler.compile(
      body,
      engineType ? SYNTAX[engineType] : undefined,
    );
    return {
      wasm: compiled.wasm,
      engineType: compiled.syntax === 'v0' ? ('REGO_V0' as const) : ('REGO_V1' as const),
    };
  }
}

/** The stored columns; labels and description left out of an update stay as they are. */
function columns(input: PolicyInput) {
  return {
    name: requiredName(input.name, 'a policy'),
    body: input.body,
    ...(input.labels === undefined
      ? {}
      : {
          labels: [...new Set((input.labels ?? []).map((label) => label.trim()).filter(Boolean))],
        }),
    ...(input.description === undefined ? {} : { description: input.description?.trim() || null }),
  };
}
