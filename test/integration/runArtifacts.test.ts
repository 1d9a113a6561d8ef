import { ulid } from 'ulid';
import { getArtifact, storePlan } from '../../src/runs/store';
import { RunState, RunType, type Delta } from '../../src/runs/types';
import { databaseTargets, openTestDatabase, type TestDatabase } from '../support/database';
import { schema } from '../support/tables';

const noChanges: Delta = {
  addCount: 0,
  addResources: [],
  changeCount: 0,
  changeResources: [],
  deleteCount: 0,
  deleteResources: [],
  resources: 0,
};

describe.each(databaseTargets())("a run's plan artifacts on $kind", (target) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(target);
    await database.db.insert(schema.stacks).values({
      id: 'artifacts',
      name: 'artifacts',
      provider: 'RAW_GIT',
      repository: 'https://example.com/infra.git',
      branch: 'main',
    });
  });
  afterAll(() => database.close());

  async function newRun() {
    const id = ulid();
    await database.db.insert(schema.runs).values({
      id,
      stackId: 'artifacts',
      type: RunType.TRACKED,
      state: RunState.PLANNING,
      branch: 'main',
      commitHash: 'a'.repeat(40),
    });
    return id;
  }

  it('reads each artifact by its name, whichever row the database finds first', async () => {
    const runId = await newRun();
    const workspace = Buffer.from('the workspace archive');
    const planJson = Buffer.from('{"format_version":"1.2"}');
    // The plan's JSON is stored first, so it is the run's first row both in the table and in
    // the primary key's order ("plan.json" < "workspace"): a read by run alone returns it.
    await storePlan(database.db, runId, {
      artifacts: { 'plan.json': planJson, workspace },
      delta: noChanges,
    });

    expect(await getArtifact(database.db, runId, 'workspace')).toEqual(workspace);
    expect(await getArtifact(database.db, runId, 'plan.json')).toEqual(planJson);
    expect(await getArtifact(database.db, await newRun(), 'workspace')).toBeUndefined();
  });

  it('replaces the artifacts of a plan made again', async () => {
    const runId = await newRun();
    const delta = noChanges;
    await storePlan(database.db, runId, {
      artifacts: { workspace: Buffer.from('first'), 'plan.json': Buffer.from('{}') },
      delta,
    });
    await storePlan(database.db, runId, {
      artifacts: { workspace: Buffer.from('second'), 'plan.json': Buffer.from('{}') },
      delta,
    });
    expect(await getArtifact(database.db, runId, 'workspace')).toEqual(Buffer.from('second'));
  });
});
