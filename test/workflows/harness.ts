import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import {
  createAdmissionActivities,
  WorkerPlaces,
  type PoolWorkers,
  type RunActivities,
  type StickyActivities,
} from '../../activities';
import {
  acquireLockSignal,
  releaseLockSignal,
  runStatusQuery,
  runWorkflowId,
  stackLockWorkflowId,
  type RunInput,
} from '../../src/runs/contract';
import type { RunEvent } from '../../src/runs/events';
import { RunState, RunType, type Delta } from '../../src/runs/types';
import { requireTool } from '../../src/platform/tools';
import { poolTaskQueue } from '../../temporal/client';
import { ONE_PARTITION } from '../../temporal/queues';
import { searchAttributeKeys } from '../../temporal/searchAttributes';
import type { runWorkflow, stackLockWorkflow } from '../../workflows';

/**
 * The real workflows of `workflows/` on real Workers against a Temporal dev server, with stub
 * activities the test controls: no database, no OpenTofu, no GitLab.
 */

export type PhaseName = 'initialize' | 'plan' | 'replan' | 'apply' | 'perform';

/** How the stub phases of one run behave; a phase not named finishes at once. */
export interface RunScript {
  /** What planning finds; by default there are changes and no autodeploy. */
  plan?: { changes: boolean; autodeploy: boolean };
  /** Phases that wait until `release` is called, or until they are cancelled or time out. */
  hold?: PhaseName[];
  /** Phases that fail as a tool does, with this message. */
  fail?: Partial<Record<PhaseName, string>>;
}

export interface RecordedTransition {
  runId: string;
  seq: number;
  state: RunState;
  note?: string;
  username?: string;
}

export interface StartRun {
  runId: string;
  stackId: string;
  type?: RunType;
  triggeredBy?: string | null;
  runTimeoutMs?: number;
  workerPool?: string;
  /** A run destroying its stack's resources, as stackDelete with destroyResources starts. */
  destroy?: boolean;
  script?: RunScript;
}

export type RunHandle = WorkflowHandle<typeof runWorkflow>;

export const TASK_QUEUE = 'gantry-test';
const WORKER_QUEUE = `${TASK_QUEUE}/worker`;
const POLL_MS = 50;

const NO_DELTA: Delta = {
  addCount: 0,
  addResources: [],
  changeCount: 0,
  changeResources: [],
  deleteCount: 0,
  deleteResources: [],
  resources: 0,
};

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** Waits for `release`, heartbeating so that a cancellation or a timeout reaches the stub. */
async function held(release: Promise<void>): Promise<void> {
  const context = Context.current();
  const beat = setInterval(() => context.heartbeat(), POLL_MS);
  try {
    await Promise.race([release, context.cancelled]);
  } finally {
    clearInterval(beat);
  }
}

let runtimeInstalled = false;

/** The SDK's runtime logs only errors: the tests' own output stays readable. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export interface HarnessOptions {
  /** Extra arguments of `temporal server start-dev`, such as `--dynamic-config-value`. */
  serverArgs?: string[];
  /** How many runs the worker of the public pool holds at once; by default plenty. */
  places?: number;
}

export class WorkflowHarness {
  /** Every transition the runs recorded, in the order they were recorded. */
  readonly transitions: RecordedTransition[] = [];
  /** Runs whose state credentials and locks were released on their failure path. */
  readonly releasedRunState: string[] = [];
  /** Stacks whose destroy run finished, deleted; and those kept after it did not. */
  readonly deletedStacks: string[] = [];
  readonly keptStacks: string[] = [];
  /** The targets of each replan, by run. */
  readonly replans: Array<{ runId: string; targets: string[] }> = [];
  /** A person's lock of a stack as stored, read when the stack's lock workflow starts. */
  readonly lockedBy = new Map<string, string>();
  /** What GitLab was told of each transition, in the order it was told. */
  readonly told: RunEvent[] = [];
  /** The notes set on transitions while runs waited, by run. */
  readonly waitingNotes: Array<{ runId: string; seq: number; note: string }> = [];
  /** What describePool answers: the workers of each pool ('' is the public pool). */
  readonly poolWorkers = new Map<string, PoolWorkers>();
  /** The places the harness's workers hold, together. */
  readonly places = new WorkerPlaces();
  private readonly scripts = new Map<string, RunScript>();
  private readonly gates = new Map<string, { started: Deferred; released: Deferred }>();

  private constructor(
    readonly env: TestWorkflowEnvironment,
    private readonly workers: { worker: Worker; running: Promise<void> }[],
  ) {}

  get client(): Client {
    return this.env.client;
  }

  static async start(options: HarnessOptions = {}): Promise<WorkflowHarness> {
    installQuietRuntime();
    const [env, bundle] = await Promise.all([
      TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: requireTool('temporal', process.env) },
          searchAttributes: searchAttributeKeys,
          // As Gantry's own dev server: one partition per queue, so admission keeps its order.
          extraArgs: [
            ...ONE_PARTITION.flatMap((value) => ['--dynamic-config-value', value]),
            ...(options.serverArgs ?? []),
          ],
        },
      }),
      bundleWorkflows(),
    ]);
    const harness = new WorkflowHarness(env, []);
    try {
      await harness.startWorkers(bundle, options);
    } catch (error) {
      await harness.stop();
      throw error;
    }
    return harness;
  }

  /** Starts a run workflow as the run service does. */
  async startRun(run: StartRun): Promise<RunHandle> {
    this.scripts.set(run.runId, run.script ?? {});
    const input: RunInput = {
      runId: run.runId,
      stackId: run.stackId,
      type: run.type ?? RunType.TRACKED,
      triggeredBy: run.triggeredBy ?? null,
      runTimeoutMs: run.runTimeoutMs ?? 60_000,
      ...(run.destroy ? { destroy: true } : {}),
      ...(run.workerPool ? { workerPool: run.workerPool } : {}),
    };
    return this.client.workflow.start<typeof runWorkflow>('runWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: runWorkflowId(run.stackId, run.runId),
      args: [input],
    });
  }

  /**
   * Starts a worker admitting runs of `pool` (null: the public pool) to the harness's phase
   * worker; `stop` drains it, its runs' places given back after `graceMs`.
   */
  async startPoolWorker(
    pool: string | null,
    options: { places?: number; graceMs?: number } = {},
  ): Promise<{ stop(): Promise<void> }> {
    const worker = await Worker.create({
      connection: this.env.nativeConnection,
      namespace: this.env.namespace ?? 'default',
      taskQueue: poolTaskQueue(pool),
      activities: createAdmissionActivities({
        client: this.client,
        workerQueue: WORKER_QUEUE,
        places: this.places,
      }),
      maxConcurrentActivityTaskExecutions: options.places ?? 1,
      shutdownGraceTime: options.graceMs ?? 1_000,
      maxHeartbeatThrottleInterval: POLL_MS,
      defaultHeartbeatThrottleInterval: POLL_MS,
    });
    const running = worker.run();
    this.workers.push({ worker, running });
    return {
      async stop() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
  }

  /** Resolves when the run's stub `phase` has started. */
  phaseStarted(runId: string, phase: PhaseName): Promise<void> {
    return this.gate(runId, phase).started.promise;
  }

  /** Lets a held phase finish. */
  release(runId: string, phase: PhaseName): void {
    this.gate(runId, phase).released.resolve();
  }

  statesOf(runId: string): RunState[] {
    return this.transitionsOf(runId).map((transition) => transition.state);
  }

  transitionsOf(runId: string): RecordedTransition[] {
    return this.transitions.filter((transition) => transition.runId === runId);
  }

  /** Waits until the run's recorded state, as its status query answers, is `state`. */
  async waitForState(handle: RunHandle, state: RunState, timeoutMs = 15_000): Promise<void> {
    await this.waitFor(
      async () => (await handle.query(runStatusQuery)).state === state,
      `${handle.workflowId} to be ${state}`,
      timeoutMs,
    );
  }

  async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async stop(): Promise<void> {
    for (const { worker } of this.workers) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
    await Promise.allSettled(this.workers.map(({ running }) => running));
    await this.env.teardown();
  }

  private gate(runId: string, phase: PhaseName) {
    const key = `${runId}/${phase}`;
    let gate = this.gates.get(key);
    if (!gate) {
      gate = { started: deferred(), released: deferred() };
      this.gates.set(key, gate);
    }
    return gate;
  }

  private replan({ runId, targets }: { runId: string; targets: string[] }) {
    this.replans.push({ runId, targets });
    return this.phase(runId, 'replan', { delta: NO_DELTA, changes: true, autodeploy: false });
  }

  private async phase<T>(runId: string, phase: PhaseName, result: T): Promise<T> {
    const script = this.scripts.get(runId) ?? {};
    const gate = this.gate(runId, phase);
    gate.started.resolve();
    if (script.hold?.includes(phase)) await held(gate.released.promise);
    const failure = script.fail?.[phase];
    if (failure) throw ApplicationFailure.nonRetryable(failure, 'ToolFailedError');
    return result;
  }

  /** The shared queue takes workflows and shared activities, the worker's own queue the sticky ones. */
  private async startWorkers(bundle: WorkflowBundleWithSourceMap, options: HarnessOptions) {
    const shared: RunActivities = {
      recordTransition: ({ runId, seq, state, note, username }) => {
        this.transitions.push({
          runId,
          seq,
          state,
          ...(note ? { note } : {}),
          ...(username ? { username } : {}),
        });
        return Promise.resolve();
      },
      requestStackLock: async ({ stackId, request }) => {
        await this.client.workflow.signalWithStart<typeof stackLockWorkflow, [typeof request]>(
          'stackLockWorkflow',
          {
            workflowId: stackLockWorkflowId(stackId),
            taskQueue: TASK_QUEUE,
            args: [{ stackId, queue: [], lockedBy: this.lockedBy.get(stackId) ?? null }],
            signal: acquireLockSignal,
            signalArgs: [request],
          },
        );
      },
      releaseStackLock: async ({ stackId, runId }) => {
        try {
          await this.client.workflow
            .getHandle(stackLockWorkflowId(stackId))
            .signal(releaseLockSignal, { runId });
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      },
      releaseRunState: (runId) => {
        this.releasedRunState.push(runId);
        return Promise.resolve();
      },
      initialize: (runId) => this.phase(runId, 'initialize', { workerQueue: WORKER_QUEUE }),
      apply: (runId) => this.phase(runId, 'apply', undefined),
      replan: (input) => this.replan(input),
      noteTransition: (note) => {
        this.waitingNotes.push(note);
        return Promise.resolve();
      },
      describePool: (pool) =>
        Promise.resolve(this.poolWorkers.get(pool ?? '') ?? { live: 1, full: 1 }),
      deleteDestroyedStack: ({ stackId }) => {
        this.deletedStacks.push(stackId);
        return Promise.resolve();
      },
      keepUndestroyedStack: (stackId) => {
        this.keptStacks.push(stackId);
        return Promise.resolve();
      },
      notifyGitLab: (event) => {
        this.told.push(event);
        return Promise.resolve();
      },
      notifySlack: async () => {},
      deliverRunEvent: async () => {},
    };
    const inPlace = this.places.runIn.bind(this.places);
    const sticky: StickyActivities = {
      initialize: (runId, place) =>
        inPlace(runId, place, () => this.phase(runId, 'initialize', undefined)),
      apply: (runId, place) => inPlace(runId, place, () => this.phase(runId, 'apply', undefined)),
      replan: (input, place) => inPlace(input.runId, place, () => this.replan(input)),
      plan: (runId, place) =>
        inPlace(runId, place, () =>
          this.phase(runId, 'plan', {
            delta: NO_DELTA,
            ...(this.scripts.get(runId)?.plan ?? { changes: true, autodeploy: false }),
          }),
        ),
      perform: (runId, place) =>
        inPlace(runId, place, () => this.phase(runId, 'perform', undefined)),
    };
    for (const queue of [
      { taskQueue: TASK_QUEUE, workflowBundle: bundle, activities: shared },
      { taskQueue: WORKER_QUEUE, activities: sticky },
      {
        taskQueue: poolTaskQueue(null),
        activities: createAdmissionActivities({
          client: this.client,
          workerQueue: WORKER_QUEUE,
          places: this.places,
        }),
        maxConcurrentActivityTaskExecutions: options.places ?? 100,
      },
    ]) {
      const worker = await Worker.create({
        connection: this.env.nativeConnection,
        namespace: this.env.namespace ?? 'default',
        shutdownGraceTime: '1s',
        // Cancellations reach a held phase with the answer to its next heartbeat.
        maxHeartbeatThrottleInterval: POLL_MS,
        defaultHeartbeatThrottleInterval: POLL_MS,
        ...queue,
      });
      this.workers.push({ worker, running: worker.run() });
    }
  }
}

let bundled: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflows as the worker bundles them, once per process. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  bundled ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('ERROR'),
  });
  return bundled;
}
