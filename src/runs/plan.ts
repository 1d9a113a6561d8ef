import type { Delta } from './types';

/** The parts of `tofu show -json <plan>` that the delta and the changes are read from. */
interface PlanJson {
  resource_changes?: Array<{
    address: string;
    previous_address?: string;
    mode?: string;
    change: { actions: string[] };
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
      });
    }
  }
  return changes;
}
