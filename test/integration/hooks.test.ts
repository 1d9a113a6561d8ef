import { and, asc, eq } from 'drizzle-orm';
import { schema } from '../support/tables';
import { RunState } from '../../src/runs/types';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';
import { startApiServer, type ApiServer } from '../support/api';

const NO_HOOKS: Record<string, string[]> = {
  beforeInit: [],
  afterInit: [],
  beforePlan: [],
  afterPlan: [],
  beforeApply: [],
  afterApply: [],
  beforePerform: [],
  afterPerform: [],
  beforeDestroy: [],
  afterDestroy: [],
  afterRun: [],
};

describe('hooks and per-run runtime config, run by the worker around OpenTofu', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let repo: TestRepo;

  const stackInput = (name: string, hooks: Record<string, string[]>) => ({
    name,
    provider: 'RAW_GIT',
    repository: repo.url,
    branch: 'main',
    administrative: false,
    // As the Terraform provider sends them: every list, empty when not set.
    ...NO_HOOKS,
    ...hooks,
  });

  const createStack = async (name: string, hooks: Record<string, string[]>) => {
    const created = await api.graphql<{ stackCreate: { id: string } }>(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      { input: stackInput(name, hooks) },
    );
    expect(created.errors).toBeUndefined();
    return created.data!.stackCreate.id;
  };

  const setVariable = async (stack: string, id: string, value: string, writeOnly = false) => {
    const added = await api.graphql(
      `mutation ($stack: ID!, $config: ConfigInput!) { stackConfigAdd(stack: $stack, config: $config) { id } }`,
      { stack, config: { id, value, writeOnly, type: 'ENVIRONMENT_VARIABLE' } },
    );
    expect(added.errors).toBeUndefined();
  };

  const trigger = async (stack: string, options: { runType?: string; yaml?: string } = {}) => {
    const triggered = await api.graphql<{ runTrigger: { id: string } }>(
      `mutation ($stack: ID!, $type: RunType, $runtimeConfig: RuntimeConfigInput) {
        runTrigger(stack: $stack, runType: $type, runtimeConfig: $runtimeConfig) { id }
      }`,
      {
        stack,
        type: options.runType ?? null,
        runtimeConfig: options.yaml === undefined ? null : { yaml: options.yaml },
      },
    );
    expect(triggered.errors).toBeUndefined();
    return triggered.data!.runTrigger.id;
  };

  const logs = async (runId: string, state: RunState) =>
    (
      await harness.database.db
        .select({ message: schema.runLogs.message })
        .from(schema.runLogs)
        .where(and(eq(schema.runLogs.runId, runId), eq(schema.runLogs.state, state)))
        .orderBy(asc(schema.runLogs.seq))
    ).map((row) => row.message);

  /** The lines of `lines` that are in `wanted`, in the order they came. */
  const only = (lines: string[], wanted: string[]) => lines.filter((line) => wanted.includes(line));

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit(
      { 'main.tf': 'resource "terraform_data" "marker" {\n  input = "one"\n}\n' },
      'Add a marker',
    );
    harness = await startRunHarness();
    api = await startApiServer(harness);
  });

  afterAll(async () => {
    await api?.close();
    await harness?.stop();
    await repo?.remove();
  });

  it("runs a stack's hooks around each phase's tool, with the run's environment, their output in the phase's logs", async () => {
    const stack = await createStack('Hooked', {
      beforeInit: ['echo "before-init $GANTRY_RUN_ID"'],
      afterInit: ['echo after-init', 'test -d .terraform && echo initialized'],
      beforePlan: ['echo "before-plan $GREETING"', 'echo "token $SECRET_TOKEN"'],
      afterPlan: ['test -f gantry.tfplan && echo after-plan-sees-the-plan'],
      beforeApply: ['echo before-apply'],
      afterApply: ['echo after-apply'],
      beforePerform: ['echo before-perform'],
      afterPerform: ['echo after-perform'],
      afterRun: ['echo "after-run $GANTRY_FINAL_RUN_STATE $TF_VAR_spacelift_final_run_state"'],
    });
    await setVariable(stack, 'GREETING', 'hello');
    await setVariable(stack, 'SECRET_TOKEN', 'hook-s3cret', true);

    const read = await api.graphql<{ stack: Record<string, string[]> }>(
      `{ stack(id: "${stack}") { beforePlan afterRun beforeDestroy } }`,
    );
    expect(read.data!.stack).toEqual({
      beforePlan: ['echo "before-plan $GREETING"', 'echo "token $SECRET_TOKEN"'],
      afterRun: ['echo "after-run $GANTRY_FINAL_RUN_STATE $TF_VAR_spacelift_final_run_state"'],
      beforeDestroy: [],
    });

    const runId = await trigger(stack);
    await harness.waitForState(runId, RunState.UNCONFIRMED);
    const initializing = await logs(runId, RunState.INITIALIZING);
    expect(
      only(initializing, [
        '$ echo "before-init $GANTRY_RUN_ID"',
        `before-init ${runId}`,
        '$ tofu init',
        '$ echo after-init',
        'after-init',
        'initialized',
      ]),
    ).toEqual([
      '$ echo "before-init $GANTRY_RUN_ID"',
      `before-init ${runId}`,
      '$ tofu init',
      '$ echo after-init',
      'after-init',
      'initialized',
    ]);
    const planning = await logs(runId, RunState.PLANNING);
    expect(
      only(planning, [
        'before-plan hello',
        'token *****',
        '$ tofu plan',
        'after-plan-sees-the-plan',
      ]),
    ).toEqual(['before-plan hello', 'token *****', '$ tofu plan', 'after-plan-sees-the-plan']);
    expect(planning.join('\n')).not.toContain('hook-s3cret');
    // The run goes on to apply: its after-run hooks wait for its end.
    expect(planning.join('\n')).not.toContain('after-run');

    const confirmed = await api.graphql(
      `mutation { runConfirm(stack: "${stack}", run: "${runId}") { id } }`,
    );
    expect(confirmed.errors).toBeUndefined();
    await harness.waitForState(runId, RunState.FINISHED);
    const applying = await logs(runId, RunState.APPLYING);
    // It applies where it planned: the workspace is initialized, but the init hooks run.
    const notAgain =
      'tofu init: not needed, this worker planned the run and its workspace is initialized';
    expect(
      only(applying, [
        `before-init ${runId}`,
        '$ tofu init',
        notAgain,
        'initialized',
        'before-apply',
        '$ tofu apply',
        'after-apply',
        'after-run FINISHED FINISHED',
      ]),
    ).toEqual([
      `before-init ${runId}`,
      notAgain,
      'initialized',
      'before-apply',
      '$ tofu apply',
      'after-apply',
      'after-run FINISHED FINISHED',
    ]);
    expect(applying.at(-1)).toBe('after-run FINISHED FINISHED');

    // A task runs its command between the perform hooks; one that skips init skips its hooks.
    const task = await api.graphql<{ taskCreate: { id: string } }>(
      `mutation { taskCreate(stack: "${stack}", command: "echo performing", skipInitialization: true) { id } }`,
    );
    expect(task.errors).toBeUndefined();
    const taskId = task.data!.taskCreate.id;
    await harness.waitForState(taskId, RunState.FINISHED);
    expect((await logs(taskId, RunState.INITIALIZING)).join('\n')).not.toMatch(
      /before-init|after-init/,
    );
    expect(
      only(await logs(taskId, RunState.PERFORMING), [
        'before-perform',
        'performing',
        'after-perform',
        'after-run FINISHED FINISHED',
      ]),
    ).toEqual(['before-perform', 'performing', 'after-perform', 'after-run FINISHED FINISHED']);
  });

  it('fails the run when a before-hook fails, naming the hook; the after-run hooks run and cannot change that', async () => {
    const stack = await createStack('Failing hooks', {
      beforePlan: ['echo checking', 'exit 3', 'echo never'],
      afterPlan: ['echo after-plan'],
      afterRun: ['echo "after-run $GANTRY_FINAL_RUN_STATE"', 'exit 1', 'echo not-after-a-failure'],
    });
    const runId = await trigger(stack, { runType: 'PROPOSED' });
    await harness.waitForState(runId, RunState.FAILED);

    const run = await api.graphql<{
      stack: { run: { state: string; history: Array<{ state: string; note: string | null }> } };
    }>(`{ stack(id: "${stack}") { run(id: "${runId}") { state history { state note } } } }`);
    expect(run.data!.stack.run.history[0]).toEqual({
      state: 'FAILED',
      note: "the before_plan hook `exit 3` exited with code 3; the run's PLANNING logs say why",
    });
    const planning = await logs(runId, RunState.PLANNING);
    expect(planning).toContain('checking');
    expect(planning).not.toContain('never');
    expect(planning).not.toContain('$ tofu plan');
    expect(planning).not.toContain('after-plan');
    expect(
      only(planning, [
        "error: the before_plan hook `exit 3` exited with code 3; the run's PLANNING logs say why",
        'after-run FAILED',
        "warning: the after_run hook `exit 1` exited with code 1; the run's PLANNING logs say why; the run is FAILED all the same",
      ]),
    ).toHaveLength(3);
    expect(planning).not.toContain('not-after-a-failure');
  });

  it("runs the attached contexts' hooks by priority before the stack's, and after it in reverse", async () => {
    const stack = await createStack('Ordered', {
      beforePlan: ['echo "stack $GREETING"'],
      afterPlan: ['echo stack'],
    });
    await setVariable(stack, 'GREETING', 'hello');
    const contextIds: string[] = [];
    for (const name of ['ctx-early', 'ctx-late']) {
      const created = await api.graphql<{
        contextCreateV2: { id: string; labels: string[]; space: string; hooks: typeof NO_HOOKS };
      }>(
        `mutation ($input: ContextInput!) {
          contextCreateV2(input: $input) { id labels space hooks { beforePlan afterPlan afterRun } }
        }`,
        {
          input: {
            name,
            description: null,
            hooks: { ...NO_HOOKS, beforePlan: [`echo ${name}`], afterPlan: [`echo ${name}`] },
            labels: ['team:platform'],
            space: 'root',
          },
        },
      );
      expect(created.errors).toBeUndefined();
      expect(created.data!.contextCreateV2).toEqual({
        id: name,
        labels: ['team:platform'],
        space: 'root',
        hooks: { beforePlan: [`echo ${name}`], afterPlan: [`echo ${name}`], afterRun: [] },
      });
      contextIds.push(created.data!.contextCreateV2.id);
    }
    // Attached late first, so the order comes from the priorities.
    for (const [id, priority] of [
      [contextIds[1], 5],
      [contextIds[0], 0],
    ] as const) {
      const attached = await api.graphql(
        `mutation { contextAttach(id: "${id}", stack: "${stack}", priority: ${priority}) { id } }`,
      );
      expect(attached.errors).toBeUndefined();
    }

    const runId = await trigger(stack, { runType: 'PROPOSED' });
    await harness.waitForState(runId, RunState.FINISHED);
    const planning = await logs(runId, RunState.PLANNING);
    expect(
      only(planning, ['ctx-early', 'ctx-late', 'stack hello', '$ tofu plan', 'stack']),
    ).toEqual([
      'ctx-early',
      'ctx-late',
      'stack hello',
      '$ tofu plan',
      'stack',
      'ctx-late',
      'ctx-early',
    ]);

    const elsewhere = await api.graphql(
      `mutation ($input: ContextInput!) { contextUpdateV2(id: "ctx-late", input: $input) { id } }`,
      { input: { name: 'ctx-late', space: 'nowhere' } },
    );
    expect(elsewhere.errors![0]!.message).toMatch(/space "nowhere" does not exist/);
  });

  it("gives one run its own hooks and variables from the runtime config, kept when it is retried, and the stack's next run its own", async () => {
    const yaml = [
      'before_plan:',
      '  - echo "run-only $RUN_ONLY $GREETING"',
      'environment:',
      '  RUN_ONLY: "yes"',
      '  GREETING: from-the-run',
    ].join('\n');
    const runId = await trigger('ordered', { runType: 'PROPOSED', yaml });
    await harness.waitForState(runId, RunState.FINISHED);
    const wanted = ['ctx-early', 'ctx-late', 'stack hello', 'run-only yes from-the-run', 'stack'];
    expect(only(await logs(runId, RunState.PLANNING), wanted)).toEqual([
      'ctx-early',
      'ctx-late',
      'run-only yes from-the-run',
      'stack',
      'ctx-late',
      'ctx-early',
    ]);
    // Whoever reads the run sees, from its start, what its own config changes.
    expect(await logs(runId, RunState.INITIALIZING)).toEqual(
      expect.arrayContaining([
        `This run's runtime config sets before_plan: ["echo \\"run-only $RUN_ONLY $GREETING\\""]`,
        "This run's runtime config sets the variables GREETING, RUN_ONLY",
      ]),
    );

    const retried = await api.graphql<{ runRetry: { id: string } }>(
      `mutation { runRetry(stack: "ordered", run: "${runId}") { id } }`,
    );
    expect(retried.errors).toBeUndefined();
    const retryId = retried.data!.runRetry.id;
    await harness.waitForState(retryId, RunState.FINISHED);
    expect(only(await logs(retryId, RunState.PLANNING), wanted)).toContain(
      'run-only yes from-the-run',
    );

    const next = await trigger('ordered', { runType: 'PROPOSED' });
    await harness.waitForState(next, RunState.FINISHED);
    expect(only(await logs(next, RunState.PLANNING), wanted)).toEqual([
      'ctx-early',
      'ctx-late',
      'stack hello',
      'stack',
      'ctx-late',
      'ctx-early',
    ]);
  });

  it('refuses, at trigger time, a runtime config it cannot honour, saying what to do, and starts no run', async () => {
    const runs = async () =>
      (
        await api.graphql<{ stack: { runs: Array<{ id: string }> } }>(
          `{ stack(id: "ordered") { runs { id } } }`,
        )
      ).data!.stack.runs.length;
    const before = await runs();
    for (const [yaml, message] of [
      ['before_plan: [echo', 'runtimeConfig: it is not valid YAML: '],
      [
        'runner_image: my/runner:1',
        'runtimeConfig: runner_image: Gantry runs OpenTofu on the worker, not in a runner image: remove runner_image and install what the run needs on the workers',
      ],
      [
        'colour: blue',
        'runtimeConfig: Gantry does not know the setting colour: use the hook lists',
      ],
      [
        'environment: {RETRIES: 3}',
        'runtimeConfig: environment.RETRIES must be a string: quote it',
      ],
    ]) {
      const refused = await api.graphql(
        `mutation ($yaml: String) { runTrigger(stack: "ordered", runtimeConfig: { yaml: $yaml }) { id } }`,
        { yaml },
      );
      expect(refused.errors![0]!.message).toContain(message);
      expect(refused.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await runs()).toBe(before);
  });
});
