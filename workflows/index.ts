/**
 * Gantry's workflows. The worker bundles this module for Temporal's deterministic sandbox, so
 * everything exported here, and everything it imports, must be workflow code: no Node built-ins
 * and no I/O (lint enforces it); side effects belong in activities/.
 */
import type { NotifyWorkflow, RunWorkflow, StackLockWorkflow } from '../src/runs/contract';
import { notifyWorkflow } from './notify';
import { runWorkflow } from './run';
import { stackLockWorkflow } from './stackLock';

export { notifyWorkflow, runWorkflow, stackLockWorkflow };

// Clients start these by name with the types of src/runs/contract.ts; this keeps them equal.
type Implements<Contract, Workflow extends Contract> = Workflow;
export type CheckedWorkflows = [
  Implements<RunWorkflow, typeof runWorkflow>,
  Implements<NotifyWorkflow, typeof notifyWorkflow>,
  Implements<StackLockWorkflow, typeof stackLockWorkflow>,
];
