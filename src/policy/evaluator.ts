import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { LRUCache } from 'lru-cache';
import type { AccessLevel } from '../auth/access';
import type { Database } from '../db';
import type { Logger } from '../platform/logger';
import { timeBuiltins } from './builtins';
import { POLICY_PACKAGE } from './compiler';
import { compiledPolicy } from './store';

/** A policy attached to a stack, at the version the caller read. */
export interface PolicyRef {
  id: string;
  version: number;
}

/** What a stack access policy sees of the stack, as `input.stack`. */
export interface StackPolicyInput {
  id: string;
  name: string;
  labels: string[];
  branch: string;
  repository: string;
  administrative: boolean;
}

/** The input of a decision about an API request. */
export interface HttpPolicyInput {
  request: { remote_ip: string; timestamp_ns: number };
  session: { login: string; name: string; teams: string[]; admin: boolean };
  stack: StackPolicyInput;
}

/** The input of a decision about a Slack request: `slack` replaces `request` and `session`. */
export interface SlackPolicyInput {
  slack: SlackInput;
  /** The Gantry identity the Slack user linked, when they did; as an API request's session. */
  session?: HttpPolicyInput['session'];
  stack: StackPolicyInput;
}

/** Exactly the fields Slack requests give policies, as Spacelift documents them. */
export interface SlackInput {
  command: string;
  user: {
    id: string;
    deleted: boolean;
    display_name: string;
    has_2fa: boolean;
    is_admin: boolean;
    is_owner: boolean;
    is_primary_owner: boolean;
    is_restricted: boolean;
    is_ultra_restricted: boolean;
    is_stranger: boolean;
    real_name: string;
    tz: string;
    enterprise: {
      id: string;
      enterprise_id: string;
      enterprise_name: string;
      is_admin: boolean;
      is_owner: boolean;
      teams: string[];
    };
  };
  team: { id: string; name: string };
  channel: { id: string; name: string };
}

export type PolicyInput = HttpPolicyInput | SlackPolicyInput;

/** What the policies attached to a stack say together. */
export interface PolicyVerdict {
  /** Some policy denies: nobody gets anything, whatever else grants. */
  deny: boolean;
  /** The most any policy grants. */
  grant: AccessLevel;
}

interface Instance {
  version: number;
  policy: LoadedPolicy;
}

// A policy that was deleted; a newer version (the same name made again) replaces it.
const GONE = Symbol('gone');

// Far more policies than an installation attaches; a bound on what a process keeps.
const MAX_CACHED_POLICIES = 500;

/**
 * Evaluates stack access policies in-process with their WebAssembly. Each process keeps one
 * instance per policy, loaded the first time the policy is needed and replaced as soon as a
 * caller names a newer version than the one it holds, so a change made through any process
 * counts from the next decision on.
 *
 * A policy that cannot be loaded or evaluated counts as a deny: a broken policy locks people
 * out of its stacks (admins keep their access to fix it) rather than letting its denies lapse.
 */
export class PolicyEvaluator {
  private readonly instances = new LRUCache<string, Promise<Instance | typeof GONE>>({
    max: MAX_CACHED_POLICIES,
  });

  constructor(private readonly deps: { db: Database; logger: Logger }) {}

  /** Any deny wins; otherwise the policies grant the most any of them grants. */
  async decide(policies: PolicyRef[], input: PolicyInput): Promise<PolicyVerdict> {
    const verdict: PolicyVerdict = { deny: false, grant: 'none' };
    const instances = await Promise.all(policies.map((ref) => this.instance(ref)));
    // Serialized once for all the policies, rather than once by each.
    const encoded = encodeInput(input);
    for (const [index, instance] of instances.entries()) {
      // Deleted since the caller read its attachments: it has no say any more.
      if (instance === GONE) continue;
      const decision = instance && this.evaluate(policies[index]!, instance, encoded);
      if (!decision || decision.deny) return { deny: true, grant: 'none' };
      if (decision.write) verdict.grant = 'write';
      else if (decision.read && verdict.grant === 'none') verdict.grant = 'read';
    }
    return verdict;
  }

  /** The policy's rules for this input; undefined when it could not be evaluated. */
  private evaluate(ref: PolicyRef, instance: Instance, input: EncodedInput) {
    try {
      return evaluateRules(instance.policy, input);
    } catch (error) {
      this.deps.logger.error(
        { policy: ref.id, version: instance.version, err: asError(error) },
        'evaluating stack access policy; denying access',
      );
      return undefined;
    }
  }

  /** The policy at `ref.version` or newer; undefined when it could not be loaded. */
  private async instance(ref: PolicyRef): Promise<Instance | typeof GONE | undefined> {
    const cached = this.instances.get(ref.id);
    if (cached) {
      const instance = await cached.catch(() => undefined);
      if (instance && instance !== GONE && instance.version >= ref.version) return instance;
      // Another caller may have started loading a newer version meanwhile.
      if (this.instances.get(ref.id) !== cached) return this.instance(ref);
    }
    const loading = this.load(ref.id);
    this.instances.set(ref.id, loading);
    try {
      return await loading;
    } catch (error) {
      if (this.instances.get(ref.id) === loading) this.instances.delete(ref.id);
      this.deps.logger.error(
        { policy: ref.id, err: asError(error) },
        'loading stack access policy; denying access',
      );
      return undefined;
    }
  }

  private async load(id: string): Promise<Instance | typeof GONE> {
    const row = await compiledPolicy(this.deps.db, id);
    if (!row) return GONE;
    return { version: row.version, policy: await loadCompiledPolicy(row.wasm) };
  }
}

/** A policy input as JSON bytes, which opa-wasm copies into each policy's memory as they are. */
export type EncodedInput = ArrayBuffer & { readonly encodedInput: unique symbol };

export function encodeInput(input: PolicyInput): EncodedInput {
  return new TextEncoder().encode(JSON.stringify(input)).buffer as EncodedInput;
}

/** Whether a loaded policy's `deny`, `write` and `read` rules hold for the input. */
export function evaluateRules(policy: LoadedPolicy, input: PolicyInput | EncodedInput) {
  const results = policy.evaluate(input, POLICY_PACKAGE) as Array<{
    result?: Record<string, unknown>;
  }>;
  const document = results[0]?.result ?? {};
  return {
    deny: denies(document.deny),
    write: truthy(document.write),
    read: truthy(document.read),
  };
}

/** Loads compiled policy WebAssembly with the built-ins Gantry provides. */
export function loadCompiledPolicy(wasm: Buffer): Promise<LoadedPolicy> {
  return loadPolicy(wasm, undefined, timeBuiltins);
}

/**
 * Whether a `deny` rule holds. Read loosely, so that a deny is never lost to its shape: any
 * value but false and an empty set counts, such as `deny := "outside office hours" if …`.
 */
function denies(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** A boolean rule's true, or a partial rule (v0 `deny[msg] { … }`) with any member. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return value === true;
}

// opa-wasm throws strings and plain objects as well as Errors.
function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  const message =
    typeof error === 'object' && error && 'message' in error
      ? String(error.message)
      : String(error);
  return new Error(message);
}
