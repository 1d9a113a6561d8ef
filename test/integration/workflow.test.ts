import { WorkflowFailedError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { schema } from '../support/tables';
import { createLogger } from '../../src/platform/logger';
import { ensureSearchAttributes, TASK_QUEUE } from '../../temporal/client';
import { startWorker, type RunningWorker } from '../../temporal/worker';
import { searchAttributeKeys, stackIdKey } from '../../temporal/searchAttributes';
import { createFixtureActivities } from '../fixtures/activities';
import { registerStackWorkflow } from '../fixtures/workflows';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

describe('a workflow on a real worker against the Temporal dev server', () => {
  let temporal: TestTemporal;
  let database: TestDatabase;
  let worker: RunningWorker;

  beforeAll(async () => {
    [temporal, database] = await Promise.all([
      startTestTemporal(),
      openTestDatabase({ kind: 'pglite' }),
    ]);
    await ensureSearchAttributes(temporal.connection, temporal.namespace);
    worker = await startWorker({
      address: temporal.address,
      namespace: temporal.namespace,
      workflowsPath: require.resolve('../fixtures/workflows'),
      activities: createFixtureActivities(database.db),
      logger: createLogger('error'),
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await Promise.all([temporal?.stop(), database?.close()]);
  });

  it('registers Gantry search attributes once, however often asked', async () => {
    await ensureSearchAttributes(temporal.connection, temporal.namespace);
    const { customAttributes } = await temporal.connection.operatorService.listSearchAttributes({
      namespace: temporal.namespace,
    });
    expect(Object.keys(customAttributes ?? {})).toEqual(
      expect.arrayContaining(searchAttributeKeys.map((key) => key.name)),
    );
  });

  it('runs the workflow, whose activity writes to the database', async () => {
    const result = await temporal.client.workflow.execute(registerStackWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: 'run/loop-test/1',
      args: ['loop-test', 'Loop test'],
    });
    expect(result).toBe('Loop test registered by run/loop-test/1');
    const rows = await database.db
      .select({ name: schema.stacks.name })
      .from(schema.stacks)
      .where(eq(schema.stacks.id, 'loop-test'));
    expect(rows).toEqual([{ name: 'Loop test' }]);
  });

  it('makes runs findable by their stack in the visibility store', async () => {
    const handle = await temporal.client.workflow.start(registerStackWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: 'run/findable/1',
      args: ['findable', 'Findable'],
      typedSearchAttributes: new TypedSearchAttributes([{ key: stackIdKey, value: 'findable' }]),
    });
    await handle.result();
    const found: string[] = [];
    for await (const execution of temporal.client.workflow.list({
      query: `${stackIdKey.name} = "findable"`,
    })) {
      found.push(execution.workflowId);
    }
    expect(found).toEqual(['run/findable/1']);
  });

  it('reports a failed activity as a workflow failure with its cause', async () => {
    // The id breaks the stacks table's slug check; the fixture allows the activity two attempts.
    const failing = temporal.client.workflow.execute(registerStackWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: 'run/not-a-slug/1',
      args: ['Not A Slug', 'Bad'],
    });
    const error: unknown = await failing.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const messages: string[] = [];
    for (let cause = error as Error | undefined; cause; cause = cause.cause as Error | undefined) {
      messages.push(cause.message);
    }
    expect(messages.join('\n')).toMatch(/violates check constraint "stacks_id_is_slug"/);
  });
});
