import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import {
  applyPhase,
  HookFailedError,
  PlanChangedError,
  initializePhase,
  performPhase,
  planPhase,
  replanPhase,
  ToolFailedError,
  type RunnerDependencies,
} from '../../../activities/runner/phases';
import { MASK } from '../../../activities/runner/logs';
import { InterruptedError } from '../../../activities/runner/process';
import { schema } from '../../support/tables';
import { RunState, RunType } from '../../../src/runs/types';
import { SecretBox, sha256Hex } from '../../../src/platform/secrets';
import { openTestDatabase, type TestDatabase } from '../../support/database';
import { createTestRepo, type TestRepo } from '../../support/gitRepo';
import { startStateServer, type StateServer } from '../../support/stateServer';
import { startApplyRecorder, type ApplyRecorder } from '../../support/applyRecorder';
import { runnerDependencies } from '../../support/runs';
import { currentResources } from '../../../src/state/store';
import { PlannedWorkspaces } from '../../../activities/runner/planned';

const SECRET = 's3cr3t-token-value';

/** The workspaces in a worker's directory, beside the providers it keeps there. */
const workspacesIn = async (workRoot: string) =>
  (await fs.readdir(workRoot)).filter((entry) => entry !== 'providers');

describe('the run phases, with real OpenTofu, git and state backend', () => {
  let database: TestDatabase;
  let stateServer: StateServer;
  let repo: TestRepo;
  let recorder: ApplyRecorder;
  let workRoot: string;
  let deps: RunnerDependencies;
  let good: string;
  let broken: string;
  let runs = 0;

  const config = (marker: string) => recorder.resource('marker', marker);

  const newRun = async (
    commitHash: string,
    type = RunType.TRACKED,
    command?: string,
    options: { stackId?: string; skipInitialization?: boolean } = {},
  ) => {
    const id = `01JPHASE${String(++runs).padStart(18, '0')}`;
    await database.db.insert(schema.runs).values({
      id,
      stackId: options.stackId ?? 'phases',
      type,
      state: RunState.QUEUED,
      branch: 'main',
      commitHash,
      ...(command ? { command } : {}),
      skipInitialization: options.skipInitialization ?? false,
    });
    return id;
  };

  /** A stack of the test repository's infra/ with these hooks. */
  const stackWithHooks = async (id: string, hooks: Record<string, string[]>) => {
    await database.db.insert(schema.stacks).values({
      id,
      name: id,
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
      projectRoot: 'infra',
      hooks,
    });
  };
  /** A task that skips initialization, of a stack with hooks. */
  const hookedTask = (stackId: string) =>
    newRun(good, RunType.TASK, 'echo the-command', { stackId, skipInitialization: true });

  const logs = async (runId: string, state: RunState) =>
    (
      await database.db
        .select({ message: schema.runLogs.message })
        .from(schema.runLogs)
        .where(and(eq(schema.runLogs.runId, runId), eq(schema.runLogs.state, state)))
        .orderBy(asc(schema.runLogs.seq))
    ).map((row) => row.message);

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    recorder = await startApplyRecorder();
    workRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-work-'));
    repo = await createTestRepo();
    good = await repo.commit({ 'infra/main.tf': config('one') }, 'Add a marker');
    broken = await repo.commit({ 'infra/main.tf': 'resource "terraform_data" {' }, 'Break it');

    const box = new SecretBox(randomBytes(32));
    await database.db.insert(schema.stacks).values({
      id: 'phases',
      name: 'Phases',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
      projectRoot: 'infra',
    });
    await database.db.insert(schema.configElements).values([
      {
        stackId: 'phases',
        id: 'SECRET_TOKEN',
        type: 'ENVIRONMENT_VARIABLE',
        writeOnly: true,
        encryptedValue: box.seal(SECRET),
        checksum: sha256Hex(SECRET),
      },
      {
        stackId: 'phases',
        id: 'conf/settings.json',
        type: 'FILE_MOUNT',
        writeOnly: false,
        value: Buffer.from('{"mounted":true}').toString('base64'),
        checksum: sha256Hex('{"mounted":true}'),
      },
    ]);

    stateServer = await startStateServer(database.db);
    deps = await runnerDependencies({ db: database.db, box, apiUrl: stateServer.url, workRoot });
  });

  afterAll(async () => {
    await stateServer?.close();
    await database?.close();
    await repo?.remove();
    await recorder?.close();
    await fs.rm(workRoot, { recursive: true, force: true });
  });

  it('plans a change, stores it, and applies it exactly once where it planned, without initializing again', async () => {
    const runId = await newRun(good);
    await initializePhase(deps, runId);
    const summary = await planPhase(deps, runId);
    expect(summary.changes).toBe(true);
    expect(summary.delta).toMatchObject({
      addCount: 1,
      addResources: ['terraform_data.marker'],
      resources: 0,
    });
    // The workspace it planned in waits here for the apply.
    expect(await workspacesIn(workRoot)).toEqual([runId]);
    expect(await recorder.lines()).toEqual([]);

    await applyPhase(deps, runId);
    expect(await recorder.lines()).toEqual([runId]);
    expect(await workspacesIn(workRoot)).toEqual([]);

    expect(await logs(runId, RunState.INITIALIZING)).toEqual(
      expect.arrayContaining([
        `Checking out commit ${good} of ${repo.url}`,
        '$ tofu init',
        'OpenTofu has been successfully initialized!',
      ]),
    );
    expect((await logs(runId, RunState.PLANNING)).join('\n')).toContain(
      'Plan: 1 to add, 0 to change, 0 to destroy.',
    );
    const applying = await logs(runId, RunState.APPLYING);
    expect(applying).toContain(
      'tofu init: not needed, this worker planned the run and its workspace is initialized',
    );
    expect(applying).not.toContain('$ tofu init');
    expect(applying.join('\n')).toContain(
      'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.',
    );
    const [run] = await database.db.select().from(schema.runs).where(eq(schema.runs.id, runId));
    expect(run!.delta?.addCount).toBe(1);
    expect(await database.db.select().from(schema.stateLocks)).toEqual([]);
    expect(await database.db.select().from(schema.stateCredentials)).toEqual([]);
  });

  it('sees no changes on the same commit once applied', async () => {
    const runId = await newRun(good);
    await initializePhase(deps, runId);
    const summary = await planPhase(deps, runId);
    expect(summary.changes).toBe(false);
    expect(summary.delta).toMatchObject({
      addCount: 0,
      changeCount: 0,
      deleteCount: 0,
      resources: 1,
    });
  });

  it("runs a task's command with the stack's config, secrets masked, and nothing of the worker's", async () => {
    process.env.GANTRY_WORKER_ONLY = 'must-not-leak';
    try {
      const runId = await newRun(
        good,
        RunType.TASK,
        'echo "token=$SECRET_TOKEN"; cat conf/settings.json; echo; env',
      );
      await initializePhase(deps, runId);
      await performPhase(deps, runId);
      const lines = await logs(runId, RunState.PERFORMING);
      expect(lines).toContain(`token=${MASK}`);
      expect(lines).toContain('{"mounted":true}');
      expect(lines.join('\n')).not.toContain(SECRET);
      expect(lines).toContain('TF_VAR_gantry_stack_id=phases');
      expect(lines.join('\n')).not.toMatch(/GANTRY_WORKER_ONLY|DATABASE_URL|must-not-leak/);
      expect(lines.find((line) => line.startsWith('TF_HTTP_PASSWORD='))).toBe(
        `TF_HTTP_PASSWORD=${MASK}`,
      );
    } finally {
      delete process.env.GANTRY_WORKER_ONLY;
    }
  });

  it('fails a phase whose tool fails, with its output in the logs', async () => {
    const runId = await newRun(broken);
    const failure = initializePhase(deps, runId);
    await expect(failure).rejects.toThrow(ToolFailedError);
    await expect(failure).rejects.toThrow(
      "tofu init exited with code 1; the run's INITIALIZING logs say why",
    );
    const lines = await logs(runId, RunState.INITIALIZING);
    expect(lines.join('\n')).toMatch(/Error: /);
    expect(lines.at(-1)).toBe(
      "error: tofu init exited with code 1; the run's INITIALIZING logs say why",
    );
    // Its workspace, file mounts and all, is not left behind.
    expect(await workspacesIn(workRoot)).toEqual([]);
  });

  it('interrupts a hook silent for longer than the silence timeout, as a tool, naming it', async () => {
    await stackWithHooks('silent-hooks', {
      beforePerform: ['echo waiting; sleep 30'],
      afterRun: ['echo "after-run $GANTRY_FINAL_RUN_STATE"'],
    });
    const runId = await hookedTask('silent-hooks');
    await initializePhase(deps, runId);
    const performing = performPhase({ ...deps, silenceTimeoutMs: 2_000 }, runId);
    await expect(performing).rejects.toThrow(HookFailedError);
    await expect(performing).rejects.toThrow(
      'the before_perform hook `echo waiting; sleep 30` failed: no log output for 2 seconds; the process was interrupted',
    );
    const lines = await logs(runId, RunState.PERFORMING);
    expect(lines).toContain('waiting');
    expect(lines).not.toContain('the-command');
    expect(lines.at(-1)).toBe('after-run FAILED');
  });

  it('interrupts the tool when the phase is aborted', async () => {
    const runId = await newRun(good, RunType.TASK, 'echo started; sleep 30');
    await initializePhase(deps, runId);
    const controller = new AbortController();
    const performing = performPhase(deps, runId, { signal: controller.signal });
    const deadline = Date.now() + 10_000;
    while (!(await logs(runId, RunState.PERFORMING)).includes('started') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    controller.abort(new Error('run stopped by a person'));
    await expect(performing).rejects.toThrow(InterruptedError);
    expect((await logs(runId, RunState.PERFORMING)).at(-1)).toBe(
      'error: interrupted: run stopped by a person',
    );
  });

  it('refuses a plan that a hook rewrote after it was shown, before planning ends and before applying', async () => {
    // The afterPlan hook replaces the saved plan with one that destroys everything.
    await stackWithHooks('rewrites-plan', {
      afterPlan: ['tofu plan -input=false -destroy -out=gantry.tfplan > /dev/null'],
    });
    const planRun = await newRun(good, RunType.TRACKED, undefined, { stackId: 'rewrites-plan' });
    await initializePhase(deps, planRun);
    const planning = planPhase(deps, planRun);
    await expect(planning).rejects.toThrow(PlanChangedError);
    await expect(planning).rejects.toThrow(
      'the saved plan (gantry.tfplan) changed while the afterPlan hooks ran',
    );

    // Planned as shown, a beforeApply hook that rewrites it keeps the apply from running.
    await stackWithHooks('rewrites-before-apply', {
      beforeApply: ['tofu plan -input=false -destroy -out=gantry.tfplan > /dev/null'],
    });
    const applyRun = await newRun(good, RunType.TRACKED, undefined, {
      stackId: 'rewrites-before-apply',
    });
    await initializePhase(deps, applyRun);
    await planPhase(deps, applyRun);
    await expect(applyPhase(deps, applyRun)).rejects.toThrow(PlanChangedError);
    const applying = (await logs(applyRun, RunState.APPLYING)).join('\n');
    expect(applying).toContain('changed while the init and beforeApply hooks ran');
    expect(applying).not.toContain('$ tofu apply');
    expect(await recorder.lines()).not.toContain(applyRun);
  });

  it('ends the afterRun hooks before the phase runs out of time, keeping the run as it ended', async () => {
    await stackWithHooks('slow-after-run', { afterRun: ['echo after-run-started; sleep 60'] });
    const runId = await hookedTask('slow-after-run');
    await initializePhase(deps, runId);
    // 20 seconds left: the hooks get what is left but the margin the phase needs to report.
    await performPhase(deps, runId, { deadline: Date.now() + 20_000 });
    const lines = await logs(runId, RunState.PERFORMING);
    expect(lines).toContain('the-command');
    expect(lines).toContain('after-run-started');
    expect(lines.at(-1)).toMatch(/^warning: .*; the run is FINISHED all the same$/);

    const late = await hookedTask('slow-after-run');
    await initializePhase(deps, late);
    await performPhase(deps, late, { deadline: Date.now() + 10_000 });
    expect((await logs(late, RunState.PERFORMING)).at(-1)).toBe(
      "warning: the run's time is up, so its afterRun hooks do not run; the run is FINISHED all the same",
    );
  });

  it('applies on another worker exactly the stored plan, in a fresh workspace initialized from it', async () => {
    const changed = await repo.commit({ 'infra/main.tf': config('two') }, 'Change the marker');
    const runId = await newRun(changed);
    await initializePhase(deps, runId);
    await planPhase(deps, runId);
    const elsewhere = {
      ...deps,
      workRoot: await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-work-')),
      planned: new PlannedWorkspaces({ max: 8, keepMs: 60_000 }),
    };
    try {
      await applyPhase(elsewhere, runId);
      expect(await workspacesIn(elsewhere.workRoot)).toEqual([]);
    } finally {
      await fs.rm(elsewhere.workRoot, { recursive: true, force: true });
    }
    expect((await recorder.lines()).at(-1)).toBe(runId);
    const applying = await logs(runId, RunState.APPLYING);
    expect(applying).toEqual(
      expect.arrayContaining(['$ tofu init', 'OpenTofu has been successfully initialized!']),
    );
    expect(applying.join('\n')).toContain(
      'Apply complete! Resources: 1 added, 0 changed, 1 destroyed.',
    );
    // The workspace it planned in here is of no use once the run is applied elsewhere.
    await deps.planned.discard(runId);
    expect(await workspacesIn(workRoot)).toEqual([]);
  });

  it('applies what a replan on another worker stored, not the plan it kept here', async () => {
    const pair = ['alpha', 'beta']
      .map((name) => `resource "terraform_data" "${name}" {\n  input = "${name}"\n}\n`)
      .join('\n');
    const commit = await repo.commit({ 'pair/main.tf': pair }, 'Add a pair');
    await database.db.insert(schema.stacks).values({
      id: 'pair',
      name: 'pair',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
      projectRoot: 'pair',
    });
    const runId = await newRun(commit, RunType.TRACKED, undefined, { stackId: 'pair' });
    await initializePhase(deps, runId);
    expect((await planPhase(deps, runId)).delta).toMatchObject({ addCount: 2 });
    const elsewhere = {
      ...deps,
      workRoot: await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-work-')),
      planned: new PlannedWorkspaces({ max: 8, keepMs: 60_000 }),
    };
    try {
      const replanned = await replanPhase(elsewhere, runId, ['terraform_data.alpha']);
      expect(replanned.delta).toMatchObject({
        addCount: 1,
        addResources: ['terraform_data.alpha'],
      });
      await applyPhase(deps, runId);
      await elsewhere.planned.discard(runId);
    } finally {
      await fs.rm(elsewhere.workRoot, { recursive: true, force: true });
    }
    expect((await currentResources(database.db, 'pair')).map(({ address }) => address)).toEqual([
      'terraform_data.alpha',
    ]);
    const applying = await logs(runId, RunState.APPLYING);
    expect(applying).toContain('$ tofu init');
    expect(applying.join('\n')).toContain(
      'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.',
    );
    expect(await workspacesIn(workRoot)).toEqual([]);
  });
});
