import { eq } from 'drizzle-orm';
import { schema } from '../support/tables';
import { RunState, RunType } from '../../src/runs/types';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';
import { startApplyRecorder, type ApplyRecorder } from '../support/applyRecorder';
import { ConflictError, InvalidInputError } from '../../src/platform/errors';
import { currentResources } from '../../src/state/store';

/**
 * `terraform_data` resources that report to the recorder when they are created (`created <name>
 * <run>`) and destroyed (`destroyed <name>`); a resource named in `failDestroy` cannot be
 * destroyed: its destroy-time provisioner fails.
 */
function resources(recorder: ApplyRecorder, names: string[], failDestroy: string[] = []) {
  const report = (text: string) => `echo ${text} > /dev/tcp/127.0.0.1/${recorder.port}`;
  return [
    'variable "gantry_run_id" {\n  type = string\n}\n',
    ...names.map(
      (name) => `resource "terraform_data" "${name}" {
  input = "${name}"

  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-c"]
    command     = "${report(`created ${name} \${var.gantry_run_id}`)}"
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = ["/bin/bash", "-c"]
    command     = "${failDestroy.includes(name) ? 'echo refusing to go; exit 1' : report(`destroyed ${name}`)}"
  }
}
`,
    ),
  ].join('\n');
}

describe('targeted replans and deleting stacks with their resources, with OpenTofu', () => {
  let harness: RunHarness;
  let recorder: ApplyRecorder;
  const repos: TestRepo[] = [];

  const addStack = async (
    id: string,
    code: string,
    hooks: Partial<Record<'beforeApply' | 'beforeDestroy' | 'afterDestroy', string[]>> = {},
  ) => {
    const repo = await createTestRepo();
    repos.push(repo);
    await repo.commit({ 'main.tf': code }, `Code of ${id}`);
    await harness.database.db.insert(schema.stacks).values({
      id,
      name: id,
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
      hooks,
    });
  };
  const visits = async (runId: string) =>
    (await harness.service.history(runId)).map((transition) => transition.state);
  const logText = async (runId: string, state: RunState, stateVersion: number) => {
    const lines: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await harness.service.logs(runId, state, token, stateVersion);
      lines.push(...page.messages.map((line) => line.message));
      if (!page.hasMore) return { ...page, text: lines.join('\n') };
      token = page.nextToken;
    }
  };
  const deployed = async (stackId: string) => {
    const run = await harness.service.trackHead(stackId, { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    await harness.service.decide(stackId, run.id, 'confirm', 'ada');
    await harness.waitForState(run.id, RunState.FINISHED);
  };
  const stackRow = async (id: string) =>
    (await harness.database.db.select().from(schema.stacks).where(eq(schema.stacks.id, id)))[0];
  const waitForStack = async (id: string, gone: (row: unknown) => boolean) => {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (gone(await stackRow(id))) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`stack ${id} did not get there in time`);
  };

  beforeAll(async () => {
    recorder = await startApplyRecorder();
    harness = await startRunHarness();
  });

  afterAll(async () => {
    await harness?.stop();
    await Promise.all(repos.map((repo) => repo.remove()));
    await recorder?.close();
  });

  it('replans a waiting run limited to one resource, shows both plans, and applies only that one', async () => {
    await addStack('pair', resources(recorder, ['alpha', 'beta']));
    const run = await harness.service.trackHead('pair', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    expect((await harness.service.run(run.id)).delta).toMatchObject({ addCount: 2 });

    const replanned = await harness.service.replan('pair', run.id, ['terraform_data.alpha'], 'ada');
    expect(replanned).toMatchObject({ id: run.id, state: RunState.PLANNING });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    const waiting = await harness.service.run(run.id);
    expect(waiting.delta).toMatchObject({
      addCount: 1,
      addResources: ['terraform_data.alpha'],
      deleteCount: 0,
    });
    expect(waiting.replanTargets).toEqual(['terraform_data.alpha']);
    expect((await harness.service.changes(run.id)).map((change) => change.address)).toEqual([
      'terraform_data.alpha',
    ]);
    expect(await visits(run.id)).toEqual([
      RunState.QUEUED,
      RunState.INITIALIZING,
      RunState.PLANNING,
      RunState.UNCONFIRMED,
      RunState.PLANNING,
      RunState.UNCONFIRMED,
    ]);
    const history = await harness.service.history(run.id);
    expect(history[4]).toMatchObject({
      username: 'ada',
      note: 'replan limited to terraform_data.alpha',
    });

    const first = await logText(run.id, RunState.PLANNING, 0);
    const second = await logText(run.id, RunState.PLANNING, 1);
    expect(first).toMatchObject({ exists: true, finished: true });
    expect(first.text).toContain('terraform_data.beta will be created');
    expect(first.text).toContain('Plan: 2 to add');
    expect(second).toMatchObject({ exists: true, finished: true });
    expect(second.text).toContain('Planning again, limited to terraform_data.alpha');
    // It plans again where it planned first, in the workspace it initialized then.
    expect(second.text).toContain(
      'tofu init: not needed, this worker planned the run and its workspace is initialized',
    );
    expect(second.text).toContain('Plan: 1 to add');
    expect(second.text).not.toContain('terraform_data.beta will be created');
    expect(await harness.service.logs(run.id, RunState.PLANNING, undefined, 2)).toMatchObject({
      exists: false,
      messages: [],
    });

    await harness.service.decide('pair', run.id, 'confirm', 'ada');
    await harness.waitForState(run.id, RunState.FINISHED);
    expect(await recorder.lines()).toEqual([`created alpha ${run.id}`]);
    expect(
      (await currentResources(harness.database.db, 'pair')).map((resource) => resource.address),
    ).toEqual(['terraform_data.alpha']);
  });

  it('refuses replans of runs not waiting, of proposed runs, with bad targets, and past a lock', async () => {
    const finished = (await harness.service.listRuns('pair', { types: [RunType.TRACKED] }))[0]!;
    const refusal = (targets: string[], runId = finished.id, username = 'ada') =>
      harness.service.replan('pair', runId, targets, username);
    await expect(refusal(['terraform_data.beta'])).rejects.toThrow(
      new ConflictError('the run is FINISHED; only an UNCONFIRMED run can be replanned'),
    );
    await expect(refusal([])).rejects.toThrow(InvalidInputError);
    await expect(refusal(['terraform_data.beta', '-destroy'])).rejects.toThrow(
      '"-destroy" is not a resource address',
    );

    const preview = await harness.service.trigger('pair', {
      triggeredBy: 'ada',
      type: RunType.PROPOSED,
    });
    await harness.waitForState(preview.id, RunState.FINISHED);
    await expect(refusal(['terraform_data.beta'], preview.id)).rejects.toThrow(
      'only a TRACKED run can be replanned',
    );

    const waiting = await harness.service.trackHead('pair', { triggeredBy: 'ada' });
    await harness.waitForState(waiting.id, RunState.UNCONFIRMED);
    await harness.locks.lock('pair', 'grace', 'hands off');
    await expect(refusal(['terraform_data.beta'], waiting.id, 'ada')).rejects.toThrow(
      'stack "pair" is locked by grace; only they can replan its runs until it is unlocked',
    );
    await harness.locks.unlock('pair', 'grace', { admin: false });
    await harness.service.decide('pair', waiting.id, 'discard', 'ada');
  });

  it('destroys a stack’s resources, refusing new runs meanwhile, and then deletes the stack', async () => {
    await addStack('doomed', resources(recorder, ['gamma']));
    await deployed('doomed');
    const deleting = await harness.service.deleteStackWithResources('doomed', 'ada');
    expect(deleting).toMatchObject({ id: 'doomed', deleting: true });
    await expect(harness.service.trackHead('doomed', { triggeredBy: 'ada' })).rejects.toThrow(
      'stack "doomed" is being deleted with its resources and starts no runs',
    );
    await expect(harness.service.deleteStackWithResources('doomed', 'ada')).rejects.toThrow(
      ConflictError,
    );
    await waitForStack('doomed', (row) => row === undefined);
    expect(await recorder.lines()).toContain('destroyed gamma');
    expect(await currentResources(harness.database.db, 'doomed')).toEqual([]);
    expect(
      await harness.database.db.select().from(schema.runs).where(eq(schema.runs.stackId, 'doomed')),
    ).toEqual([]);
  });

  it('keeps a stack whose resources could not be destroyed, with the failed run to look at', async () => {
    await addStack('stubborn', resources(recorder, ['delta'], ['delta']), {
      beforeApply: ['echo applying-hook'],
      beforeDestroy: ['echo destroying-hook'],
      afterDestroy: ['echo destroyed-hook'],
    });
    await deployed('stubborn');
    await harness.service.deleteStackWithResources('stubborn', 'ada');
    await waitForStack('stubborn', (row) => (row as { deleting: boolean }).deleting === false);
    const [destroyRun] = await harness.service.listRuns('stubborn', {
      types: [RunType.TRACKED],
    });
    expect(destroyRun).toMatchObject({ destroy: true, state: RunState.FAILED });
    expect(await visits(destroyRun!.id)).toEqual([
      RunState.QUEUED,
      RunState.INITIALIZING,
      RunState.PLANNING,
      RunState.CONFIRMED,
      RunState.APPLYING,
      RunState.FAILED,
    ]);
    expect((await logText(destroyRun!.id, RunState.PLANNING, 0)).text).toContain(
      '$ tofu plan -destroy',
    );
    // A destroy runs its own hooks instead of the apply's; a failed destroy runs no after-hook.
    const applying = (await logText(destroyRun!.id, RunState.APPLYING, 0)).text;
    expect(applying).toContain('refusing to go');
    expect(applying).toContain('$ echo destroying-hook');
    expect(applying).not.toContain('applying-hook');
    expect(applying).not.toContain('destroyed-hook');
    expect(
      (await currentResources(harness.database.db, 'stubborn')).map((resource) => resource.address),
    ).toEqual(['terraform_data.delta']);
    const again = await harness.service.trackHead('stubborn', { triggeredBy: 'ada' });
    expect(again.state).toBe(RunState.QUEUED);
    await harness.waitForState(again.id, RunState.FINISHED);
  });

  it('keeps a stack an admin protected while its destroy run worked, its resources destroyed', async () => {
    await addStack('guarded', resources(recorder, ['epsilon']));
    await deployed('guarded');
    await harness.service.deleteStackWithResources('guarded', 'ada');
    await harness.database.db
      .update(schema.stacks)
      .set({ protectFromDeletion: true })
      .where(eq(schema.stacks.id, 'guarded'));
    await waitForStack('guarded', (row) => (row as { deleting: boolean }).deleting === false);
    expect(await recorder.lines()).toContain('destroyed epsilon');
    expect(await currentResources(harness.database.db, 'guarded')).toEqual([]);
    await expect(harness.service.deleteStackWithResources('guarded', 'ada')).rejects.toThrow(
      'stack "guarded" is protected from deletion: set protectFromDeletion to false (stackUpdate) first',
    );
  });
});
