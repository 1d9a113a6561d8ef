import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { openDatabase } from '../../src/db';
import { ulid } from '../../src/platform/ids';
import { storeRun } from '../../src/runs/store';
import { RunState, RunType } from '../../src/runs/types';
import { schema } from '../support/tables';
import { databaseTargets, openTestDatabase, type TestDatabase } from '../support/database';

const { stacks } = schema;

describe.each(databaseTargets())('database on $kind', (target) => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await openTestDatabase(target);
  });
  afterEach(async () => {
    await database.close();
  });

  it('stores pushes to one stack that arrive together, each run with the stack tracking its commit', async () => {
    // Each statement holds the stack's row and writes it: held only for share, two would each
    // wait for the other to write (PostgreSQL reports a deadlock and one push is lost).
    await database.db.insert(stacks).values({
      id: 'pushed',
      name: 'pushed',
      provider: 'GITLAB',
      repository: 'platform/pushed',
      branch: 'main',
    });
    const at = new Date('2026-01-02T03:04:05Z');
    const push = (round: number, i: number) => {
      const hash = (round * 100 + (i % 4)).toString(16).padStart(40, '0');
      return storeRun(
        database.db,
        {
          id: ulid(),
          stackId: 'pushed',
          type: RunType.TRACKED,
          state: RunState.QUEUED,
          branch: 'main',
          commitHash: hash,
          // Redeliveries among them: most pushes arrive more than once.
          dedupeKey: `pushed:${hash}`,
          mergeRequestIid: null,
          createdAt: at,
          updatedAt: at,
        },
        { tracking: { hash, message: '', authorName: '', timestamp: at.toISOString(), url: '' } },
      );
    };
    // Rounds of ten at once: the first opens the pool's connections, the rest meet on them.
    for (let round = 0; round < 6; round++) {
      const stored = await Promise.all(Array.from({ length: 10 }, (_, i) => push(round, i)));
      expect(stored.filter((one) => one.created)).toHaveLength(4);
      const [stack] = await database.db.select().from(stacks).where(eq(stacks.id, 'pushed'));
      const created = stored.filter((one) => one.created).map((one) => one.run.commitHash);
      expect(created).toContain(stack!.trackedCommit!.hash);
    }
  });

  it('moves a task that ended PERFORMED on to FINISHED, as tasks end now', async () => {
    await database.db.insert(stacks).values({
      id: 'tasks',
      name: 'tasks',
      provider: 'RAW_GIT',
      repository: 'file:///srv/git/tasks',
      branch: 'main',
    });
    const ended = new Date('2026-01-02T03:04:05Z');
    for (const [id, state] of [
      ['01JTASKPERFORMED0000000000', RunState.PERFORMED],
      ['01JTASKFAILED0000000000000', RunState.FAILED],
    ] as const) {
      await database.db.insert(schema.runs).values({
        id,
        stackId: 'tasks',
        type: RunType.TASK,
        state,
        branch: 'main',
        commitHash: 'a'.repeat(40),
      });
      await database.db.insert(schema.runTransitions).values(
        [RunState.QUEUED, RunState.INITIALIZING, RunState.PERFORMING, state].map((step, index) => ({
          runId: id,
          seq: index + 1,
          state: step,
          timestamp: ended,
        })),
      );
    }
    const migration = await fs.readFile(
      path.join(__dirname, '../../src/db/migrations/0015_tasks_end_finished.sql'),
      'utf8',
    );
    for (const statement of migration.split('--> statement-breakpoint')) {
      await database.db.execute(sql.raw(statement));
    }

    const runs = await database.db
      .select({ id: schema.runs.id, state: schema.runs.state })
      .from(schema.runs)
      .orderBy(schema.runs.id);
    expect(runs).toEqual([
      { id: '01JTASKFAILED0000000000000', state: 'FAILED' },
      { id: '01JTASKPERFORMED0000000000', state: 'FINISHED' },
    ]);
    const last = await database.db
      .select()
      .from(schema.runTransitions)
      .where(eq(schema.runTransitions.runId, '01JTASKPERFORMED0000000000'))
      .orderBy(schema.runTransitions.seq);
    expect(last.map((step) => step.state)).toEqual([
      'QUEUED',
      'INITIALIZING',
      'PERFORMING',
      'PERFORMED',
      'FINISHED',
    ]);
    expect(last.at(-1)!.timestamp).toEqual(ended);
  });

  it('stores a stack with the documented defaults', async () => {
    await database.db.insert(stacks).values({
      id: 'networking-prod',
      name: 'Networking (prod)',
      provider: 'RAW_GIT',
      repository: 'file:///srv/git/networking',
      branch: 'main',
    });
    const [stack] = await database.db.select().from(stacks).where(eq(stacks.id, 'networking-prod'));
    expect(stack).toMatchObject({
      id: 'networking-prod',
      labels: [],
      autodeploy: false,
      administrative: false,
      managesStateFile: true,
      lockedBy: null,
    });
    expect(stack!.createdAt).toBeInstanceOf(Date);
  });

  it('keeps labels as a list', async () => {
    await database.db.insert(stacks).values({
      id: 'dns',
      name: 'DNS',
      provider: 'GITLAB',
      repository: 'infra/dns',
      branch: 'main',
      labels: ['team:platform', 'prod'],
    });
    const [stack] = await database.db.select({ labels: stacks.labels }).from(stacks);
    expect(stack!.labels).toEqual(['team:platform', 'prod']);
  });

  it('refuses a stack id that is not a slug and an unknown provider', async () => {
    const base = { name: 'x', repository: 'r', branch: 'main' } as const;
    await expect(
      database.db.insert(stacks).values({ ...base, id: 'Not A Slug', provider: 'RAW_GIT' }),
    ).rejects.toThrow();
    await expect(
      database.db.insert(stacks).values({ ...base, id: 'ok', provider: 'SVN' as 'GITLAB' }),
    ).rejects.toThrow();
    expect(await database.db.$count(stacks)).toBe(0);
  });

  it('applies migrations once however often migrate runs', async () => {
    await database.migrate();
    await database.migrate();
    const journal = JSON.parse(
      await fs.readFile(path.join(__dirname, '../../src/db/migrations/meta/_journal.json'), 'utf8'),
    ) as { entries: unknown[] };
    const migrationsTable = sql.raw(`${database.schemaName ?? 'public'}.__drizzle_migrations`);
    const applied = await database.db.execute<{ count: string | number }>(
      sql`select count(*) as count from ${migrationsTable}`,
    );
    expect(Number(applied.rows[0]!.count)).toBe(journal.entries.length);
  });
});

describe.each(databaseTargets().filter((target) => target.kind === 'postgres'))(
  'migrations on PostgreSQL',
  (target) => {
    it('are applied once when several processes start together', async () => {
      const schemaName = `test_concurrent_${Date.now()}`;
      const handles = await Promise.all(
        [1, 2, 3].map(() => openDatabase({ url: target.url, schema: schemaName })),
      );
      try {
        await Promise.all(handles.map((handle) => handle.migrate()));
        const tables = await handles[0]!.db.execute<{ name: string }>(
          sql`select table_name as name from information_schema.tables where table_schema = ${schemaName}`,
        );
        expect(tables.rows.map((row) => row.name)).toEqual(
          expect.arrayContaining(['__drizzle_migrations', 'stacks', 'runs']),
        );
      } finally {
        await handles[0]!.db.execute(sql.raw(`drop schema ${schemaName} cascade`));
        await Promise.all(handles.map((handle) => handle.close()));
      }
    });
  },
);

describe('embedded database on disk', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-pglite-'));
  });
  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('keeps its data across a restart', async () => {
    const first = await openDatabase({ dataDir });
    await first.migrate();
    await first.db
      .insert(stacks)
      .values({ id: 'kept', name: 'Kept', provider: 'RAW_GIT', repository: 'r', branch: 'main' });
    await first.close();

    const second = await openDatabase({ dataDir });
    try {
      await second.migrate();
      expect(await second.db.select({ id: stacks.id }).from(stacks)).toEqual([{ id: 'kept' }]);
    } finally {
      await second.close();
    }
  });

  it('refuses a second opener while the first has it open', async () => {
    const first = await openDatabase({ dataDir });
    try {
      await expect(openDatabase({ dataDir })).rejects.toThrow(
        /another Gantry process is using the embedded database .*set DATABASE_URL/,
      );
    } finally {
      await first.close();
    }
  });
});
