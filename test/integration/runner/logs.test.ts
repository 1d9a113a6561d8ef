import { and, asc, eq } from 'drizzle-orm';
import { createMasker, MASK, RunLogWriter } from '../../../activities/runner/logs';
import { schema } from '../../support/tables';
import { RunState, RunType } from '../../../src/runs/types';
import { openTestDatabase, type TestDatabase } from '../../support/database';

describe('createMasker', () => {
  it('masks every occurrence of each secret, and each line of a multi-line secret', () => {
    const mask = createMasker(['hunter22', 'line-one\nline-two\n}', 'abc']);
    expect(mask('pw=hunter22 again hunter22')).toBe(`pw=${MASK} again ${MASK}`);
    expect(mask('got line-two here')).toBe(`got ${MASK} here`);
    // A whole secret is masked however short; a short line of a longer one is not.
    expect(mask('x=abc')).toBe(`x=${MASK}`);
    expect(mask('{ }')).toBe('{ }');
  });

  it('masks a secret printed in base64, reversed, URL-encoded or in hex', () => {
    const secret = 'p@ss word/42';
    const mask = createMasker([secret]);
    for (const form of [
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      [...secret].reverse().join(''),
      encodeURIComponent(secret),
      Buffer.from(secret).toString('hex'),
    ]) {
      expect(mask(`leak: ${form}.`)).toBe(`leak: ${MASK}.`);
    }
  });

  it('masks the longer of two overlapping secrets whole', () => {
    expect(createMasker(['secret', 'secret-longer'])('x secret-longer y')).toBe(`x ${MASK} y`);
  });
});

describe('RunLogWriter', () => {
  let database: TestDatabase;
  const runId = '01JTESTRUN0000000000000000';

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    await database.db.insert(schema.stacks).values({
      id: 'logs',
      name: 'Logs',
      provider: 'RAW_GIT',
      repository: 'file:///x',
      branch: 'main',
    });
    await database.db.insert(schema.runs).values({
      id: runId,
      stackId: 'logs',
      type: RunType.TRACKED,
      state: RunState.PLANNING,
      branch: 'main',
      commitHash: 'a'.repeat(40),
    });
  });
  afterAll(() => database.close());

  const stored = (state: RunState) =>
    database.db
      .select({ seq: schema.runLogs.seq, message: schema.runLogs.message })
      .from(schema.runLogs)
      .where(and(eq(schema.runLogs.runId, runId), eq(schema.runLogs.state, state)))
      .orderBy(asc(schema.runLogs.seq));

  it('stores masked lines while the phase still runs, numbered in order', async () => {
    const writer = await RunLogWriter.open({
      db: database.db,
      runId,
      state: RunState.PLANNING,
      secrets: ['s3cr3t-value'],
    });
    writer.write('first');
    writer.write('token is s3cr3t-value');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await stored(RunState.PLANNING)).toEqual([
      { seq: 1, message: 'first' },
      { seq: 2, message: `token is ${MASK}` },
    ]);
    writer.write('last');
    await writer.close();
    expect((await stored(RunState.PLANNING)).map((row) => row.seq)).toEqual([1, 2, 3]);
  });

  it('continues the numbering when a phase is tried again', async () => {
    const writer = await RunLogWriter.open({
      db: database.db,
      runId,
      state: RunState.PLANNING,
      secrets: [],
    });
    writer.write('second attempt');
    await writer.close();
    expect((await stored(RunState.PLANNING)).at(-1)).toEqual({ seq: 4, message: 'second attempt' });
  });

  it('keeps each state apart', async () => {
    const writer = await RunLogWriter.open({
      db: database.db,
      runId,
      state: RunState.APPLYING,
      secrets: [],
    });
    writer.write('applying');
    await writer.close();
    expect(await stored(RunState.APPLYING)).toEqual([{ seq: 1, message: 'applying' }]);
  });
});
