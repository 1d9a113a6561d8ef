import type { Delta } from './types';

/** The parts of `tofu show -json <plan>` that the delta and the changes are read from. */
interface PlanJson {
  resource_changes?: Array<{
    address: string;
    previous_address?: string;
    mode?: string;
    change: {
      actions: string[];
      before?: unknown;
      after?: unknown;
      after_unknown?: unknown;
      before_sensitive?: unknown;
      after_sensitive?: unknown;
    };
  }>;
  output_changes?: Record<string, { actions: string[] }>;
  prior_state?: { values?: { root_module?: StateModule } };
}

interface StateModule {
  resources?: Array<{ mode?: string }>;
  child_modules?: StateModule[];
}

export interface PlanSummary {
  delta: Delta;
  /** Whether applying would change anything: a resource or an output. */
  changes: boolean;
}

/** Reads what a plan would do; a replacement counts as both an addition and a deletion. */
export function summarizePlan(plan: PlanJson): PlanSummary {
  const delta: Delta = {
    addCount: 0,
    addResources: [],
    changeCount: 0,
    changeResources: [],
    deleteCount: 0,
    deleteResources: [],
    resources: countManaged(plan.prior_state?.values?.root_module),
  };
  for (const change of plan.resource_changes ?? []) {
    if (change.mode === 'data') continue;
    const actions = change.change.actions;
    if (actions.includes('create')) delta.addResources.push(change.address);
    if (actions.includes('delete')) delta.deleteResources.push(change.address);
    if (actions.length === 1 && actions[0] === 'update') delta.changeResources.push(change.address);
  }
  delta.addCount = delta.addResources.length;
  delta.changeCount = delta.changeResources.length;
  delta.deleteCount = delta.deleteResources.length;
  const outputsChange = Object.values(plan.output_changes ?? {}).some(
    (change) => !(change.actions.length === 1 && change.actions[0] === 'no-op'),
  );
  return {
    delta,
    changes: delta.addCount + delta.changeCount + delta.deleteCount > 0 || outputsChange,
  };
}

function countManaged(module: StateModule | undefined): number {
  if (!module) return 0;
  const own = (module.resources ?? []).filter((resource) => resource.mode !== 'data').length;
  return own + (module.child_modules ?? []).reduce((sum, child) => sum + countManaged(child), 0);
}

/** A resource a plan changes, as Run.changesV3 shows it. */
export interface ResourceChange {
  address: string;
  previousAddress: string | null;
  /** ADD, CHANGE, DELETE or REPLACE. */
  type: 'ADD' | 'CHANGE' | 'DELETE' | 'REPLACE';
  /** The attributes whose values differ, in path order. */
  attributes: AttributeChange[];
}

/** One attribute of a resource a plan changes: its value before and after, as JSON text. */
export interface AttributeChange {
  /** Where the value is in the resource, such as `tags.team` or `ingress[0].port`. */
  path: string;
  /** Null where there is no value: before a creation, after a deletion, or sensitive. */
  before: string | null;
  after: string | null;
  /** The plan marks the value sensitive: neither value is ever shown. */
  sensitive: boolean;
  /** The value after is known only once applied. */
  unknownAfter: boolean;
}

/** The managed resources a plan adds, changes, deletes or replaces, in the plan's order. */
export function planChanges(plan: PlanJson): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.mode === 'data') continue;
    const actions = change.change.actions;
    const type = actions.includes('create')
      ? actions.includes('delete')
        ? 'REPLACE'
        : 'ADD'
      : actions.includes('delete')
        ? 'DELETE'
        : actions.includes('update')
          ? 'CHANGE'
          : undefined;
    if (type) {
      changes.push({
        address: change.address,
        previousAddress: change.previous_address ?? null,
        type,
        attributes: attributeChanges(change.change),
      });
    }
  }
  return changes;
}

type Step = string | number;

/**
 * The leaves of a resource's values before and after (scalars, and empty lists and maps) that
 * differ or are unknown until applied. A value is sensitive when the plan marks it or anything
 * it is part of; its values are left out.
 */
export function attributeChanges(change: {
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
}): AttributeChange[] {
  const paths = new Map<string, Step[]>();
  for (const value of [change.before, change.after]) {
    for (const steps of leaves(value, [])) paths.set(pathOf(steps), steps);
  }
  for (const steps of leaves(change.after_unknown, [])) {
    if (at(change.after_unknown, steps) === true) paths.set(pathOf(steps), steps);
  }
  const changed: AttributeChange[] = [];
  for (const [path, steps] of [...paths].sort(([a], [b]) => a.localeCompare(b))) {
    const before = at(change.before, steps);
    const after = at(change.after, steps);
    const unknownAfter = marked(change.after_unknown, steps);
    // A value wholly unknown after is one entry: its parts before are shown in it.
    if (unknownAfter && at(change.after_unknown, steps) !== true) continue;
    if (!unknownAfter && jsonOf(before) === jsonOf(after)) continue;
    const sensitive =
      marked(change.before_sensitive, steps) || marked(change.after_sensitive, steps);
    changed.push({
      path,
      before: sensitive ? null : jsonOf(before),
      after: sensitive || unknownAfter ? null : jsonOf(after),
      sensitive,
      unknownAfter,
    });
  }
  return changed;
}

function* leaves(value: unknown, steps: Step[]): Generator<Step[]> {
  if (Array.isArray(value) && value.length > 0) {
    for (const [index, item] of value.entries()) yield* leaves(item, [...steps, index]);
  } else if (isMap(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) yield* leaves(item, [...steps, key]);
  } else if (steps.length > 0) {
    yield steps;
  }
}

function at(value: unknown, steps: Step[]): unknown {
  let current = value;
  for (const step of steps) {
    if (Array.isArray(current) && typeof step === 'number') current = current[step];
    else if (isMap(current) && typeof step === 'string') current = current[step];
    else return undefined;
  }
  return current;
}

/** Whether `marks` (the plan's after_unknown or *_sensitive) is true at `steps` or above. */
function marked(marks: unknown, steps: Step[]): boolean {
  let current = marks;
  for (const step of steps) {
    if (current === true) return true;
    current = at(current, [step]);
  }
  return current === true;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathOf(steps: Step[]): string {
  return steps
    .map((step, index) =>
      typeof step === 'number'
        ? `[${step}]`
        : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)
          ? `${index === 0 ? '' : '.'}${step}`
          : `[${JSON.stringify(step)}]`,
    )
    .join('');
}

function jsonOf(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
