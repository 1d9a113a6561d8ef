import fs from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../src/db';
import type { Logger } from '../../src/platform/logger';
import { RunState, RunType } from '../../src/runs/types';
import { SecretBox } from '../../src/platform/secrets';
import { resolveHooks, resolveRuntimeConfig, revealValue } from '../../src/contexts/runtimeConfig';
import { endsAfterPlanning } from '../../src/runs/machine';
import { yamlNameOf, type HookName, type Hooks } from '../../src/stacks/hooks';
import {
  issueStateCredentials,
  releaseRunLocks,
  revokeStateCredentials,
} from '../../src/state/store';
import { VcsError, type VcsProvider } from '../../src/vcs';
import { summarizePlan, type PlanSummary } from '../../src/runs/plan';
import { buildEnvironment } from './environment';
import type { ProviderMirrorConfig } from './providerMirror';
import { RunTokens, type PhaseState } from '../../src/runs/tokens';
import { RunLogWriter } from './logs';
import { OutputLimitError, runToolProcess, SilenceError } from './process';
import { SandboxUnavailableError, type Sandbox, type SandboxTool } from './sandbox';
import {
  digestOf,
  layout,
  packWorkspace,
  PLAN_FILE,
  prepareWorkspace,
  unpackWorkspace,
  WorkspaceError,
  type Workspace,
} from './workspace';
import type { PlannedWorkspaces } from './planned';
import type { ProviderCache } from './providerCache';
import {
  getArtifact,
  runsByIds,
  storePlan,
  type ArtifactName,
  type Run,
} from '../../src/runs/store';
import type { RunRuntimeConfig } from '../../src/runs/runtimeYaml';
import { targetArguments } from '../../src/runs/targets';
import { stacksByIds } from '../../src/stacks/store';
import type { Stack } from '../../src/stacks/service';

/** What the phases of a run need from the worker that runs them. */
export interface RunnerDependencies {
  db: Database;
  box: SecretBox;
  vcsFor(stack: Stack): VcsProvider;
  tofuPath: string;
  /** Where every tool of a run is started (see ./sandbox). */
  sandbox: Sandbox;
  /** Where runs reach Gantry's API: the state backend. */
  apiUrl: string;
  /** Where workspaces are made on this worker's disk. */
  workRoot: string;
  /** The workspaces runs planned in here, kept for their apply. */
  planned: PlannedWorkspaces;
  /** The providers this worker installed, shared read-only by its runs. */
  providers: ProviderCache;
  /** The API tokens of tracked runs and tasks. */
  runTokens: RunTokens;
  /** Where every run's OpenTofu installs providers from (GANTRY_PROVIDER_MIRROR), if set. */
  providerMirror?: ProviderMirrorConfig;
  /** A tool silent for longer than this is interrupted. */
  silenceTimeoutMs: number;
  logger: Logger;
}

/** How the caller steers a phase: abort to interrupt the tool, heartbeat to say it lives. */
export interface PhaseControl {
  signal?: AbortSignal;
  heartbeat?: () => void;
  /** When the phase's time is up (epoch milliseconds): the run's afterRun hooks end before it. */
  deadline?: number;
}

/** A tool ended with an exit code other than 0; its output is in the run's logs. */
export class ToolFailedError extends Error {
  constructor(
    readonly tool: string,
    readonly exitCode: number,
    readonly state: RunState,
  ) {
    super(`${tool} exited with code ${exitCode}; the run's ${state} logs say why`);
    this.name = 'ToolFailedError';
  }
}

/**
 * The saved plan changed after it was shown: a hook rewrote it. What a person confirms is the
 * plan they were shown, so the phase fails rather than apply another.
 */
export class PlanChangedError extends Error {
  constructor(hooks: string) {
    super(
      `the saved plan (${PLAN_FILE}) changed while the ${hooks} hooks ran; hooks may read the plan but not change it, as what is applied must be what was shown`,
    );
    this.name = 'PlanChangedError';
  }
}

/** A hook's command failed: it exited with a code other than 0, fell silent or wrote too much. */
export class HookFailedError extends Error {
  constructor(
    readonly hook: HookName,
    readonly command: string,
    readonly problem: string,
  ) {
    super(`the ${yamlNameOf(hook)} hook \`${shortened(command)}\` ${problem}`);
    this.name = 'HookFailedError';
  }
}

/**
 * Whether a phase's failure is final: trying again cannot mend it (a tool or hook failed, the
 * code or the sandbox is broken), so the run fails with it.
 */
export function isFinalFailure(error: unknown): error is Error {
  return (
    error instanceof ToolFailedError ||
    error instanceof HookFailedError ||
    error instanceof PlanChangedError ||
    error instanceof SilenceError ||
    error instanceof OutputLimitError ||
    error instanceof WorkspaceError ||
    error instanceof SandboxUnavailableError ||
    (error instanceof VcsError && /not a full commit|does not exist/.test(error.message))
  );
}

/** A command as a note names it: its first line, cut to a readable length. */
function shortened(command: string): string {
  const line = command.trim().split('\n')[0]!;
  return line.length > 80 || line !== command.trim() ? `${line.slice(0, 77)}...` : line;
}

const WORKSPACE_ARTIFACT: ArtifactName = 'workspace';
// Credentials outlive a phase only if the phase outlives its own time limit.
const STATE_CREDENTIALS_TTL_MS = 2 * 60 * 60 * 1000;
// A tool whose worker died gets this long to stop cleanly (OpenTofu saves the state it has),
// well inside the heartbeat timeout after which the run's failure path releases its state.
const ORPHAN_GRACE_MS = 20_000;

async function loadRun(db: Database, runId: string) {
  const [run] = await runsByIds(db, [runId]);
  const [stack] = run ? await stacksByIds(db, [run.stackId]) : [];
  if (!run || !stack) throw new Error(`loading run ${runId}: it does not exist`);
  return { run, stack };
}

/**
 * Everything a tool of this run gets in the phase `state`: the environment, the values to mask
 * in its logs, and the hooks its phases run. Fresh state credentials are issued for each phase,
 * and for tracked runs and tasks an API token (an admin's only for an administrative stack)
 * that works until the phase ends, or its time (`deadline`) is up.
 */
async function runtimeFor(
  deps: RunnerDependencies,
  run: Run,
  stack: Stack,
  workspace: Workspace,
  state: PhaseState,
  deadline: number | undefined,
) {
  const [resolved, hooks] = await Promise.all([
    resolveRuntimeConfig(deps.db, stack.id),
    resolveHooks(deps.db, stack, run.runtimeConfig?.hooks),
  ]);
  const revealed = resolved.map((entry) => ({
    ...entry,
    value: revealValue(entry.element, deps.box),
  }));
  const credentials = stack.managesStateFile
    ? await issueStateCredentials(deps.db, {
        runId: run.id,
        stackId: stack.id,
        ttlMs: STATE_CREDENTIALS_TTL_MS,
        // A proposed run comes from any branch or merge request: it may read the state only.
        readOnly: run.type === RunType.PROPOSED,
      })
    : undefined;
  const token = RunTokens.given(run)
    ? await deps.runTokens.issue(run, state, deadline ?? Date.now() + STATE_CREDENTIALS_TTL_MS)
    : undefined;
  const cliConfigFile = await deps.providerMirror?.write();
  const view = toolView(deps, workspace, stack);
  const env = buildEnvironment({
    config: revealed,
    runId: run.id,
    stackId: stack.id,
    commitHash: run.commitHash,
    home: view.home,
    pluginCacheDir: deps.providers.runCacheDir(view.root),
    toolDirs: [path.dirname(deps.sandbox.toolPath(tofuTool(deps)))],
    ...(credentials ? { stateCredentials: credentials } : {}),
    awsRoleArn: stack.awsAssumedRoleArn,
    ...(run.runtimeConfig ? { runVariables: run.runtimeConfig.environment } : {}),
    ...(token ? { spacelift: { token, endpoint: deps.runTokens.endpoint } } : {}),
    ...(cliConfigFile ? { cliConfigFile } : {}),
  });
  // A file mount's value is base64; its content is what a tool would print.
  const secrets = revealed
    .filter((entry) => entry.element.writeOnly)
    .map((entry) =>
      entry.element.type === 'FILE_MOUNT'
        ? Buffer.from(entry.value, 'base64').toString('utf8')
        : entry.value,
    );
  if (credentials) secrets.push(credentials.password);
  if (token) secrets.push(token);
  return { env, secrets, revealed, hooks };
}

/** The workspace as the run's tools see it: inside their sandbox, or where it is. */
function toolView(deps: RunnerDependencies, workspace: Workspace, stack: Stack): Workspace {
  return layout(deps.sandbox.view(workspace.root), stack.projectRoot);
}

function tofuTool(deps: RunnerDependencies): SandboxTool {
  return { hostPath: deps.tofuPath, name: 'tofu' };
}

/**
 * Starts one tool of a run in the workspace's project directory, in the run's sandbox:
 * `command` is `tofu` or a program of the system, named as the tools see it.
 */
async function runInWorkspace(
  deps: RunnerDependencies,
  control: PhaseControl,
  options: {
    workspace: Workspace;
    stack: Stack;
    command: string;
    args: string[];
    env: Record<string, string>;
    onLine: (line: string) => void;
    silenceTimeoutMs?: number;
  },
): Promise<number> {
  const view = toolView(deps, options.workspace, options.stack);
  const sandbox = deps.sandbox.enabled
    ? deps.sandbox.launch(options.workspace.root, [tofuTool(deps)], ORPHAN_GRACE_MS, [
        ...(deps.providerMirror?.mounts ?? []),
        ...deps.providers.mounts,
      ])
    : undefined;
  return runToolProcess({
    command: options.command === 'tofu' ? deps.sandbox.toolPath(tofuTool(deps)) : options.command,
    args: options.args,
    cwd: view.dir,
    env: options.env,
    onLine: options.onLine,
    ...(options.silenceTimeoutMs !== undefined
      ? { silenceTimeoutMs: options.silenceTimeoutMs }
      : {}),
    ...(control.signal ? { signal: control.signal } : {}),
    ...(sandbox ? { sandbox } : {}),
  });
}

/** Runs one tool of a phase, its output going to the phase's logs. */
async function runTool(
  deps: RunnerDependencies,
  control: PhaseControl,
  options: {
    log: RunLogWriter;
    state: RunState;
    workspace: Workspace;
    stack: Stack;
    command: string;
    args: string[];
    display: string;
    env: Record<string, string>;
  },
) {
  options.log.write(`$ ${options.display}`);
  const code = await runInWorkspace(deps, control, {
    ...options,
    onLine: (line) => {
      options.log.write(line);
      control.heartbeat?.();
    },
    silenceTimeoutMs: deps.silenceTimeoutMs,
  });
  if (code !== 0) throw new ToolFailedError(options.display, code, options.state);
}

/**
 * `tofu init`: providers and modules for the workspace, before planning and again to apply
 * elsewhere. The providers it chose go into the worker's cache for the runs after it.
 */
async function tofuInit(
  deps: RunnerDependencies,
  control: PhaseControl,
  options: {
    log: RunLogWriter;
    state: RunState;
    workspace: Workspace;
    stack: Stack;
    env: Record<string, string>;
  },
) {
  await runTool(deps, control, {
    ...options,
    command: 'tofu',
    args: ['init', '-input=false', '-no-color'],
    display: 'tofu init',
  });
  await deps.providers.learn(options.workspace);
}

/** Where a phase runs its tools and hooks: its log, its workspace, its environment. */
interface PhaseScope {
  log: RunLogWriter;
  state: RunState;
  workspace: Workspace;
  stack: Stack;
  env: Record<string, string>;
  hooks: Hooks;
}

/**
 * Runs one hook's commands in order, each as `sh -c <command>` in the workspace, exactly as a
 * task's command runs; the first that fails stops the rest and fails the phase.
 */
async function runHook(
  deps: RunnerDependencies,
  control: PhaseControl,
  scope: PhaseScope,
  hook: HookName,
) {
  for (const command of scope.hooks[hook]) {
    try {
      await runTool(deps, control, {
        ...scope,
        command: '/bin/sh',
        args: ['-c', command],
        display: command,
      });
    } catch (error) {
      // Interrupted from outside (a stop, the time limit): the interruption is what happened.
      if (control.signal?.aborted) throw error;
      const problem =
        error instanceof ToolFailedError
          ? `exited with code ${error.exitCode}; the run's ${scope.state} logs say why`
          : `failed: ${(error as Error).message}`;
      throw new HookFailedError(hook, command, problem);
    }
  }
}

/** The hooks around each kind of step a phase runs. */
const HOOKS_AROUND = {
  init: ['beforeInit', 'afterInit'],
  plan: ['beforePlan', 'afterPlan'],
  apply: ['beforeApply', 'afterApply'],
  destroy: ['beforeDestroy', 'afterDestroy'],
  perform: ['beforePerform', 'afterPerform'],
} as const satisfies Record<string, readonly [HookName, HookName]>;

/**
 * Runs a step of a phase between its hooks, as Spacelift does: a failing before-hook keeps the
 * step from running, a failing step runs no after-hooks, and a failing after-hook fails the
 * phase as the step would have. Destroying resources is the step `destroy`.
 */
async function withHooks<T>(
  deps: RunnerDependencies,
  control: PhaseControl,
  scope: PhaseScope,
  step: keyof typeof HOOKS_AROUND,
  work: () => Promise<T>,
): Promise<T> {
  const [before, after] = HOOKS_AROUND[step];
  await runHook(deps, control, scope, before);
  const result = await work();
  await runHook(deps, control, scope, after);
  return result;
}

/**
 * Runs the steps of a phase that may be the run's last, and then, if it is — it failed, or
 * `finalState` says what its result ends the run in — the afterRun hooks, in this phase's
 * logs, with the final state in GANTRY_FINAL_RUN_STATE (and Spacelift's
 * TF_VAR_spacelift_final_run_state). Phases may run on different workers and each removes its
 * workspace, so the last one on a worker is where they can run. The run's outcome is decided
 * by then: a failing afterRun hook is logged and changes nothing. A phase interrupted from
 * outside (a stop, the time limit) runs none, as Spacelift runs none for a run ended outside
 * the worker.
 */
async function endingRun<T>(
  deps: RunnerDependencies,
  control: PhaseControl,
  scope: PhaseScope,
  finalState: (result: T) => RunState | undefined,
  work: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // A failure the phase is tried again after is not the run's end.
    if (!control.signal?.aborted && isFinalFailure(error)) {
      reportFailure(scope.log, error);
      await afterRun(deps, control, scope, RunState.FAILED);
    }
    throw error;
  }
  const ended = finalState(result);
  if (ended) await afterRun(deps, control, scope, ended);
  return result;
}

// The afterRun hooks end this long before the phase's deadline, so that it still ends in time.
const AFTER_RUN_MARGIN_MS = 15_000;

async function afterRun(
  deps: RunnerDependencies,
  control: PhaseControl,
  scope: PhaseScope,
  finalState: RunState,
) {
  if (scope.hooks.afterRun.length === 0) return;
  const env = {
    ...scope.env,
    GANTRY_FINAL_RUN_STATE: finalState,
    TF_VAR_spacelift_final_run_state: finalState,
  };
  // The run's outcome is decided: its hooks end in time for the phase to report it.
  const left =
    control.deadline === undefined
      ? undefined
      : control.deadline - Date.now() - AFTER_RUN_MARGIN_MS;
  if (left !== undefined && left <= 0) {
    scope.log.write(
      `warning: the run's time is up, so its afterRun hooks do not run; the run is ${finalState} all the same`,
    );
    return;
  }
  const signals = [
    ...(control.signal ? [control.signal] : []),
    ...(left === undefined ? [] : [AbortSignal.timeout(left)]),
  ];
  const bounded = { ...control, ...(signals.length > 0 && { signal: AbortSignal.any(signals) }) };
  try {
    await runHook(deps, bounded, { ...scope, env }, 'afterRun');
  } catch (error) {
    scope.log.write(`warning: ${(error as Error).message}; the run is ${finalState} all the same`);
  }
}

// Failures already written to a phase's log, so that inPhase does not write them twice.
const reported = new WeakSet<object>();

function reportFailure(log: RunLogWriter, error: unknown) {
  if (typeof error === 'object' && error !== null) {
    if (reported.has(error)) return;
    reported.add(error);
  }
  log.write(`error: ${(error as Error).message}`);
}

/**
 * Runs `work` with the phase's log writer and state credentials, and afterwards, however it
 * ended, stores the last lines, revokes the credentials and releases any state lock the run
 * still holds (a tool interrupted mid-apply leaves one). A worker that dies mid-phase does
 * none of this: the run's failure path does it (releaseRunState).
 */
async function inPhase<T>(
  deps: RunnerDependencies,
  runId: string,
  state: RunState,
  secrets: string[],
  work: (log: RunLogWriter) => Promise<T>,
): Promise<T> {
  const log = await RunLogWriter.open({ db: deps.db, runId, state, secrets, logger: deps.logger });
  try {
    if (!deps.sandbox.enabled) {
      log.write(UNSANDBOXED_WARNING);
      deps.logger.warn({ runId, state }, 'running tools unsandboxed (GANTRY_RUN_SANDBOX=off)');
    }
    return await work(log);
  } catch (error) {
    reportFailure(log, error);
    throw error;
  } finally {
    await log.close();
    await revokeStateCredentials(deps.db, runId);
    await releaseRunLocks(deps.db, runId);
  }
}

const UNSANDBOXED_WARNING =
  "warning: this worker runs tools unsandboxed (GANTRY_RUN_SANDBOX=off): this run's code can " +
  "read the worker's files, processes and secrets";

function workspaceRoot(deps: RunnerDependencies, runId: string) {
  return path.join(deps.workRoot, runId);
}

/**
 * INITIALIZING: the source at the run's commit, the file mounts, and `tofu init` between the
 * beforeInit and afterInit hooks (tasks too: their command runs in the initialized workspace;
 * a task that skips initialization skips its hooks with it). The workspace stays on this
 * worker's disk for the next phase; a failed initialization removes it.
 */
export async function initializePhase(
  deps: RunnerDependencies,
  runId: string,
  control: PhaseControl = {},
): Promise<void> {
  const { run, stack } = await loadRun(deps.db, runId);
  const root = workspaceRoot(deps, runId);
  // A run initialized here again starts from nothing, not from a plan it made here before.
  await deps.planned.discard(runId);
  const { env, secrets, revealed, hooks } = await runtimeFor(
    deps,
    run,
    stack,
    layout(root, stack.projectRoot),
    RunState.INITIALIZING,
    control.deadline,
  );
  try {
    await inPhase(deps, runId, RunState.INITIALIZING, secrets, async (log) => {
      log.write(`Checking out commit ${run.commitHash} of ${stack.repository}`);
      if (run.runtimeConfig) describeOwnConfig(log, run.runtimeConfig);
      const { workspace } = await prepareWorkspace({
        root,
        stack,
        commit: run.commitHash,
        vcs: deps.vcsFor(stack),
        fileMounts: revealed.filter((entry) => entry.element.type === 'FILE_MOUNT'),
        apiUrl: deps.apiUrl,
      });
      await deps.providers.link(workspace);
      await deps.sandbox.handOver(root);
      const scope = { log, state: RunState.INITIALIZING, workspace, stack, env, hooks };
      // Initializing ends the run only by failing.
      await endingRun(deps, control, scope, noFinalState, async () => {
        if (run.skipInitialization) {
          log.write('Skipping tofu init, as the task asked (skipInitialization)');
          return;
        }
        await withHooks(deps, control, scope, 'init', () => tofuInit(deps, control, scope));
      });
    });
  } catch (error) {
    await fs.rm(root, { recursive: true, force: true });
    throw error;
  }
}

const noFinalState = () => undefined;

/**
 * Says, at the start of the run's logs, what its own runtime config (runTrigger) sets: which
 * hooks replace the stack's and which variables it adds (by name), for whoever reviews it.
 */
function describeOwnConfig(log: RunLogWriter, config: RunRuntimeConfig) {
  for (const [hook, commands] of Object.entries(config.hooks)) {
    log.write(
      `This run's runtime config sets ${yamlNameOf(hook as HookName)}: ${JSON.stringify(commands)}`,
    );
  }
  const names = Object.keys(config.environment);
  if (names.length > 0) {
    log.write(`This run's runtime config sets the variables ${names.join(', ')}`);
  }
}

async function existingWorkspace(deps: RunnerDependencies, runId: string, stack: Stack) {
  const workspace = layout(workspaceRoot(deps, runId), stack.projectRoot);
  if (!(await fs.stat(workspace.root).catch(() => undefined))) {
    throw new WorkspaceError(`the workspace of run ${runId} is not on this worker`);
  }
  return workspace;
}

/**
 * PLANNING: `tofu plan` into a saved plan between the beforePlan and afterPlan hooks, read back
 * as JSON for the delta. The workspace and the plan are stored as run artifacts, so any worker
 * can apply them, however much later; both are sealed, since the workspace holds the file
 * mounts and the plan the values it computed. A run that destroys the stack's resources plans
 * with `-destroy`. A plan that may be applied leaves its workspace on this worker for a while
 * (see PlannedWorkspaces), initialized, for an apply that comes here.
 */
export async function planPhase(
  deps: RunnerDependencies,
  runId: string,
  control: PhaseControl = {},
): Promise<PlanSummary> {
  const { run, stack } = await loadRun(deps.db, runId);
  const workspace = await existingWorkspace(deps, runId, stack);
  let kept = false;
  try {
    const { env, secrets, hooks } = await runtimeFor(
      deps,
      run,
      stack,
      workspace,
      RunState.PLANNING,
      control.deadline,
    );
    const { summary, stored } = await inPhase(deps, runId, RunState.PLANNING, secrets, (log) =>
      planIn(deps, control, run, {
        scope: { log, state: RunState.PLANNING, workspace, stack, env, hooks },
        targets: null,
      }),
    );
    kept = await keepForApply(deps, run, workspace, summary, stored);
    return summary;
  } finally {
    if (!kept) await fs.rm(workspace.root, { recursive: true, force: true });
  }
}

/** Keeps the workspace a run planned in when the plan may be applied; whether it did. */
async function keepForApply(
  deps: RunnerDependencies,
  run: Run,
  workspace: Workspace,
  summary: PlanSummary,
  stored: Buffer,
): Promise<boolean> {
  if (endsAfterPlanning(run.type, summary.changes)) return false;
  try {
    await deps.planned.keep(run.id, workspace, stored);
    return true;
  } catch (error) {
    // The stored copy serves the apply all the same.
    deps.logger.warn({ err: error, runId: run.id }, 'keeping the workspace a run planned in');
    return false;
  }
}

/**
 * PLANNING again, for a targeted replan: the workspace the run's last plan stored (the same
 * commit and file mounts that plan saw), `tofu init` for its providers unless it is the one the
 * run planned in on this worker, and `tofu plan` limited to `targets`, between the plan hooks.
 * The new plan replaces the stored one: a confirmation applies it.
 */
export async function replanPhase(
  deps: RunnerDependencies,
  runId: string,
  targets: readonly string[],
  control: PhaseControl = {},
): Promise<PlanSummary> {
  const targetArgs = targetArguments(targets);
  const { run, stack } = await loadRun(deps.db, runId);
  let root = path.join(deps.workRoot, `${runId}-replan`);
  let kept = false;
  try {
    const { workspace, initialized } = await plannedWorkspace(deps, runId, stack, root);
    root = workspace.root;
    const { env, secrets, hooks } = await runtimeFor(
      deps,
      run,
      stack,
      workspace,
      RunState.PLANNING,
      control.deadline,
    );
    const { summary, stored } = await inPhase(
      deps,
      runId,
      RunState.PLANNING,
      secrets,
      async (log) => {
        const scope = { log, state: RunState.PLANNING, workspace, stack, env, hooks };
        log.write(`Planning again, limited to ${targets.join(', ')}`);
        await withHooks(deps, control, scope, 'init', () =>
          initialized ? initializedAlready(log) : tofuInit(deps, control, scope),
        );
        return planIn(deps, control, run, { scope, targets: [...targets], targetArgs });
      },
    );
    kept = await keepForApply(deps, run, workspace, summary, stored);
    return summary;
  } finally {
    if (!kept) await fs.rm(root, { recursive: true, force: true });
  }
}

/**
 * The workspace the run's plan stored, for a phase that works from it: the one the run
 * planned in, when it planned on this worker and that is still what was stored, initialized
 * already; otherwise the stored copy unpacked into `root` and handed to the sandbox, to be
 * initialized.
 */
async function plannedWorkspace(
  deps: RunnerDependencies,
  runId: string,
  stack: Stack,
  root: string,
): Promise<{ workspace: Workspace; initialized: boolean }> {
  const artifact = await getArtifact(deps.db, runId, WORKSPACE_ARTIFACT);
  if (!artifact) throw new WorkspaceError(`run ${runId} has no stored plan to work from`);
  const kept = await deps.planned.take(runId, artifact);
  if (kept) return { workspace: layout(kept.root, stack.projectRoot), initialized: true };
  // Workspaces planned before they were stored sealed are plain archives.
  const archive = SecretBox.isSealedBuffer(artifact) ? deps.box.openBuffer(artifact) : artifact;
  const workspace = await unpackWorkspace(archive, root, stack.projectRoot);
  await deps.providers.link(workspace);
  await deps.sandbox.handOver(root);
  return { workspace, initialized: false };
}

/** In place of `tofu init`, in a workspace that is initialized already. */
function initializedAlready(log: RunLogWriter): Promise<void> {
  log.write('tofu init: not needed, this worker planned the run and its workspace is initialized');
  return Promise.resolve();
}

/**
 * `tofu plan` in an initialized workspace between the plan hooks, its summary, and the plan
 * stored with the workspace (what was stored of it is answered too); when the plan ends the
 * run, the afterRun hooks too.
 */
async function planIn(
  deps: RunnerDependencies,
  control: PhaseControl,
  run: Run,
  options: { scope: PhaseScope; targets: string[] | null; targetArgs?: string[] },
): Promise<{ summary: PlanSummary; stored: Buffer }> {
  const { scope } = options;
  const { workspace, stack, env } = scope;
  const finalState = ({ summary }: { summary: PlanSummary }) =>
    endsAfterPlanning(run.type, summary.changes) ? RunState.FINISHED : undefined;
  return endingRun(deps, control, scope, finalState, async () => {
    let planned = '';
    const json = await withHooks(deps, control, scope, 'plan', async () => {
      await runTool(deps, control, {
        ...scope,
        command: 'tofu',
        // A proposed run only reads the state and runs beside others: it takes no lock.
        args: [
          'plan',
          '-input=false',
          '-no-color',
          run.type === RunType.PROPOSED ? '-lock=false' : '-lock-timeout=30s',
          ...(run.destroy ? ['-destroy'] : []),
          ...(options.targetArgs ?? []),
          `-out=${PLAN_FILE}`,
        ],
        display: run.destroy ? 'tofu plan -destroy' : 'tofu plan',
      });
      planned = await planDigest(workspace);
      return captureTool(deps, control, {
        workspace,
        stack,
        args: ['show', '-json', PLAN_FILE],
        env,
      });
    });
    if ((await planDigest(workspace)) !== planned) throw new PlanChangedError('afterPlan');
    const summary = summarizePlan(JSON.parse(json) as Parameters<typeof summarizePlan>[0]);
    const archive = deps.box.sealBuffer(await packWorkspace(workspace));
    await storePlan(deps.db, run.id, {
      artifacts: { workspace: archive, 'plan.json': deps.box.sealBuffer(Buffer.from(json)) },
      delta: summary.delta,
      targets: options.targets,
    });
    return { summary, stored: archive };
  });
}

/** The SHA-256 of the saved plan in the workspace, to tell whether anything rewrote it. */
function planDigest(workspace: Workspace): Promise<string> {
  return digestOf(path.join(workspace.dir, PLAN_FILE));
}

/** A tool's whole stdout, for output that is data rather than log (`tofu show -json`). */
async function captureTool(
  deps: RunnerDependencies,
  control: PhaseControl,
  options: { workspace: Workspace; stack: Stack; args: string[]; env: Record<string, string> },
): Promise<string> {
  const lines: string[] = [];
  const code = await runInWorkspace(deps, control, {
    ...options,
    command: 'tofu',
    onLine: (line) => lines.push(line),
  });
  if (code !== 0) {
    throw new Error(`tofu ${options.args.join(' ')} exited with code ${code}: ${lines.join('\n')}`);
  }
  return lines.join('\n');
}

/**
 * APPLYING: the workspace the run planned in, when it planned on this worker and the workspace
 * is still what was stored; otherwise the stored workspace unpacked here and its providers
 * installed by `tofu init`. Then the saved plan applied between the beforeApply and afterApply
 * hooks: exactly what was confirmed, nothing newer. A destroy run's saved plan destroys the
 * stack's resources, between the beforeDestroy and afterDestroy hooks instead.
 */
export async function applyPhase(
  deps: RunnerDependencies,
  runId: string,
  control: PhaseControl = {},
): Promise<void> {
  const { run, stack } = await loadRun(deps.db, runId);
  let root = path.join(deps.workRoot, `${runId}-apply`);
  try {
    const { workspace, initialized } = await plannedWorkspace(deps, runId, stack, root);
    root = workspace.root;
    const { env, secrets, hooks } = await runtimeFor(
      deps,
      run,
      stack,
      workspace,
      RunState.APPLYING,
      control.deadline,
    );
    await inPhase(deps, runId, RunState.APPLYING, secrets, async (log) => {
      const scope = { log, state: RunState.APPLYING, workspace, stack, env, hooks };
      await endingRun(deps, control, scope, finished, async () => {
        const confirmed = await planDigest(workspace);
        await withHooks(deps, control, scope, 'init', () =>
          initialized ? initializedAlready(log) : tofuInit(deps, control, scope),
        );
        const step = run.destroy ? 'destroy' : 'apply';
        await withHooks(deps, control, scope, step, async () => {
          if ((await planDigest(workspace)) !== confirmed) {
            throw new PlanChangedError(
              `init and ${step === 'destroy' ? 'beforeDestroy' : 'beforeApply'}`,
            );
          }
          await runTool(deps, control, {
            ...scope,
            command: 'tofu',
            args: [
              'apply',
              '-input=false',
              '-no-color',
              '-auto-approve',
              '-lock-timeout=30s',
              PLAN_FILE,
            ],
            display: 'tofu apply',
          });
        });
      });
    });
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

const finished = () => RunState.FINISHED;

/**
 * PERFORMING: a task's command, `sh -c <command>`, in the initialized workspace, between the
 * beforePerform and afterPerform hooks.
 */
export async function performPhase(
  deps: RunnerDependencies,
  runId: string,
  control: PhaseControl = {},
): Promise<void> {
  const { run, stack } = await loadRun(deps.db, runId);
  if (!run.command) throw new Error(`performing run ${runId}: it is not a task`);
  const workspace = await existingWorkspace(deps, runId, stack);
  try {
    const { env, secrets, hooks } = await runtimeFor(
      deps,
      run,
      stack,
      workspace,
      RunState.PERFORMING,
      control.deadline,
    );
    await inPhase(deps, runId, RunState.PERFORMING, secrets, async (log) => {
      const scope = { log, state: RunState.PERFORMING, workspace, stack, env, hooks };
      await endingRun(deps, control, scope, finished, () =>
        withHooks(deps, control, scope, 'perform', () =>
          runTool(deps, control, {
            ...scope,
            command: '/bin/sh',
            args: ['-c', run.command!],
            display: run.command!,
          }),
        ),
      );
    });
  } finally {
    await fs.rm(workspace.root, { recursive: true, force: true });
  }
}
