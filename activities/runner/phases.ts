import fs from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../src/db';
import type { Logger } from '../../src/platform/logger';
import { RunState, RunType } from '../../src/runs/types';
import { SecretBox } from '../../src/platform/secrets';
import { resolveRuntimeConfig, revealValue } from '../../src/contexts/runtimeConfig';
import {
  issueStateCredentials,
  releaseRunLocks,
  revokeStateCredentials,
} from '../../src/state/store';
import type { VcsProvider } from '../../src/vcs';
import { summarizePlan, type PlanSummary } from '../../src/runs/plan';
import { buildEnvironment } from './environment';
import { RunLogWriter } from './logs';
import { runToolProcess } from './process';
import type { Sandbox, SandboxTool } from './sandbox';
import {
  layout,
  packWorkspace,
  prepareWorkspace,
  unpackWorkspace,
  WorkspaceError,
  type Workspace,
} from './workspace';
import { getArtifact, runsByIds, storePlan, type ArtifactName } from '../../src/runs/store';
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
  /** A tool silent for longer than this is interrupted. */
  silenceTimeoutMs: number;
  logger: Logger;
}

/** How the caller steers a phase: abort to interrupt the tool, heartbeat to say it lives. */
export interface PhaseControl {
  signal?: AbortSignal;
  heartbeat?: () => void;
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

const PLAN_FILE = 'gantry.tfplan';
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
 * Everything a tool of this run gets: the environment, and the values to mask in its logs.
 * Fresh state credentials are issued for each phase.
 */
async function runtimeFor(
  deps: RunnerDependencies,
  run: { id: string; commitHash: string; type: RunType },
  stack: Stack,
  workspace: Workspace,
) {
  const resolved = await resolveRuntimeConfig(deps.db, stack.id);
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
  const env = buildEnvironment({
    config: revealed,
    runId: run.id,
    stackId: stack.id,
    commitHash: run.commitHash,
    home: toolView(deps, workspace, stack).home,
    toolDirs: [path.dirname(deps.sandbox.toolPath(tofuTool(deps)))],
    ...(credentials ? { stateCredentials: credentials } : {}),
    awsRoleArn: stack.awsAssumedRoleArn,
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
  return { env, secrets, revealed };
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
    ? deps.sandbox.launch(options.workspace.root, [tofuTool(deps)], ORPHAN_GRACE_MS)
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

/** `tofu init`: providers and modules for the workspace, before planning and again to apply. */
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
    log.write(`error: ${(error as Error).message}`);
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
 * INITIALIZING: the source at the run's commit, the file mounts, and `tofu init` (tasks too:
 * their command runs in the initialized workspace). The workspace stays on this worker's disk
 * for the next phase; a failed initialization removes it.
 */
export async function initializePhase(
  deps: RunnerDependencies,
  runId: string,
  control: PhaseControl = {},
): Promise<void> {
  const { run, stack } = await loadRun(deps.db, runId);
  const root = workspaceRoot(deps, runId);
  const { env, secrets, revealed } = await runtimeFor(
    deps,
    run,
    stack,
    layout(root, stack.projectRoot),
  );
  try {
    await inPhase(deps, runId, RunState.INITIALIZING, secrets, async (log) => {
      log.write(`Checking out commit ${run.commitHash} of ${stack.repository}`);
      const { workspace } = await prepareWorkspace({
        root,
        stack,
        commit: run.commitHash,
        vcs: deps.vcsFor(stack),
        fileMounts: revealed.filter((entry) => entry.element.type === 'FILE_MOUNT'),
        apiUrl: deps.apiUrl,
      });
      await deps.sandbox.handOver(root);
      if (run.skipInitialization) {
        log.write('Skipping tofu init, as the task asked (skipInitialization)');
        return;
      }
      await tofuInit(deps, control, { log, state: RunState.INITIALIZING, workspace, stack, env });
    });
  } catch (error) {
    await fs.rm(root, { recursive: true, force: true });
    throw error;
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
 * PLANNING: `tofu plan` into a saved plan, read back as JSON for the delta. The workspace and
 * the plan are stored as run artifacts, so any worker can apply them, however much later; both
 * are sealed, since the workspace holds the file mounts and the plan the values it computed.
 * A run that destroys the stack's resources plans with `-destroy`.
 */
export async function planPhase(
  deps: RunnerDependencies,
  runId: string,
  control: PhaseControl = {},
): Promise<PlanSummary> {
  const { run, stack } = await loadRun(deps.db, runId);
  const workspace = await existingWorkspace(deps, runId, stack);
  const { env, secrets } = await runtimeFor(deps, run, stack, workspace);
  try {
    return await inPhase(deps, runId, RunState.PLANNING, secrets, (log) =>
      planIn(deps, control, { run, stack, workspace, env, log, targets: null }),
    );
  } finally {
    await fs.rm(workspace.root, { recursive: true, force: true });
  }
}

/**
 * PLANNING again, for a targeted replan: the workspace the run's last plan stored, unpacked on
 * this worker (the same commit and file mounts that plan saw), `tofu init` for its providers,
 * and `tofu plan` limited to `targets`. The new plan replaces the stored one: a confirmation
 * applies it.
 */
export async function replanPhase(
  deps: RunnerDependencies,
  runId: string,
  targets: readonly string[],
  control: PhaseControl = {},
): Promise<PlanSummary> {
  const targetArgs = targetArguments(targets);
  const { run, stack } = await loadRun(deps.db, runId);
  const root = path.join(deps.workRoot, `${runId}-replan`);
  try {
    const workspace = await storedWorkspace(deps, runId, stack, root);
    const { env, secrets } = await runtimeFor(deps, run, stack, workspace);
    return await inPhase(deps, runId, RunState.PLANNING, secrets, async (log) => {
      log.write(`Planning again, limited to ${targets.join(', ')}`);
      await tofuInit(deps, control, { log, state: RunState.PLANNING, workspace, stack, env });
      return planIn(deps, control, {
        run,
        stack,
        workspace,
        env,
        log,
        targets: [...targets],
        targetArgs,
      });
    });
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

/** The workspace the run's plan stored, unpacked into `root` and handed to the sandbox. */
async function storedWorkspace(
  deps: RunnerDependencies,
  runId: string,
  stack: Stack,
  root: string,
): Promise<Workspace> {
  const artifact = await getArtifact(deps.db, runId, WORKSPACE_ARTIFACT);
  if (!artifact) throw new WorkspaceError(`run ${runId} has no stored plan to work from`);
  // Workspaces planned before they were stored sealed are plain archives.
  const archive = SecretBox.isSealedBuffer(artifact) ? deps.box.openBuffer(artifact) : artifact;
  const workspace = await unpackWorkspace(archive, root, stack.projectRoot);
  await deps.sandbox.handOver(root);
  return workspace;
}

/** `tofu plan` in an initialized workspace, its summary, and the plan stored with the workspace. */
async function planIn(
  deps: RunnerDependencies,
  control: PhaseControl,
  options: {
    run: { id: string; type: RunType; destroy: boolean };
    stack: Stack;
    workspace: Workspace;
    env: Record<string, string>;
    log: RunLogWriter;
    targets: string[] | null;
    targetArgs?: string[];
  },
): Promise<PlanSummary> {
  const { run, stack, workspace, env, log } = options;
  await runTool(deps, control, {
    log,
    state: RunState.PLANNING,
    workspace,
    stack,
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
    env,
  });
  const json = await captureTool(deps, control, {
    workspace,
    stack,
    args: ['show', '-json', PLAN_FILE],
    env,
  });
  const summary = summarizePlan(JSON.parse(json) as Parameters<typeof summarizePlan>[0]);
  const archive = deps.box.sealBuffer(await packWorkspace(workspace));
  await storePlan(deps.db, run.id, {
    artifacts: { workspace: archive, 'plan.json': deps.box.sealBuffer(Buffer.from(json)) },
    delta: summary.delta,
    targets: options.targets,
  });
  return summary;
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
 * APPLYING: the stored workspace unpacked on this worker, providers reinstalled by
 * `tofu init`, and the saved plan applied: exactly what was confirmed, nothing newer. A
 * destroy run's saved plan destroys the stack's resources.
 */
export async function applyPhase(
  deps: RunnerDependencies,
  runId: string,
  control: PhaseControl = {},
): Promise<void> {
  const { run, stack } = await loadRun(deps.db, runId);
  const root = path.join(deps.workRoot, `${runId}-apply`);
  try {
    const workspace = await storedWorkspace(deps, runId, stack, root);
    const { env, secrets } = await runtimeFor(deps, run, stack, workspace);
    await inPhase(deps, runId, RunState.APPLYING, secrets, async (log) => {
      await tofuInit(deps, control, { log, state: RunState.APPLYING, workspace, stack, env });
      await runTool(deps, control, {
        log,
        state: RunState.APPLYING,
        workspace,
        stack,
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
        env,
      });
    });
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

/** PERFORMING: a task's command, `sh -c <command>`, in the initialized workspace. */
export async function performPhase(
  deps: RunnerDependencies,
  runId: string,
  control: PhaseControl = {},
): Promise<void> {
  const { run, stack } = await loadRun(deps.db, runId);
  if (!run.command) throw new Error(`performing run ${runId}: it is not a task`);
  const workspace = await existingWorkspace(deps, runId, stack);
  try {
    const { env, secrets } = await runtimeFor(deps, run, stack, workspace);
    await inPhase(deps, runId, RunState.PERFORMING, secrets, (log) =>
      runTool(deps, control, {
        log,
        state: RunState.PERFORMING,
        workspace,
        stack,
        command: '/bin/sh',
        args: ['-c', run.command!],
        display: run.command!,
        env,
      }),
    );
  } finally {
    await fs.rm(workspace.root, { recursive: true, force: true });
  }
}
