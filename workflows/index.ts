/**
 * Gantry's workflows. The worker bundles this module for Temporal's deterministic sandbox, so
 * everything exported here, and everything it imports, must be workflow code: no Node built-ins
 * and no I/O (lint enforces it); side effects belong in activities/.
 */
export { notifyWorkflow } from './notify';
export { runWorkflow } from './run';
export { stackLockWorkflow } from './stackLock';
