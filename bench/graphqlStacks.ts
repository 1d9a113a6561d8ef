/**
 * What Gantry's GraphQL API costs per request: `{ stacks { id state runs { id state } } }` over
 * 1,000 stacks of 20 runs each, against a hand-written endpoint that answers the same request
 * with the same bytes from one SQL query and JSON.stringify, over the same database. A bare
 * node:http server answering the bytes alone shows what HTTP and the load itself cost. All
 * three are loaded by autocannon with the same settings in the same process. Prints a table
 * and one JSON line.
 *
 * The database is PGlite, or the PostgreSQL server at DATABASE_URL when it is set.
 *
 *   npm run bench:graphql
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import autocannon from 'autocannon';
import pg from 'pg';
import { monotonicFactory } from 'ulid';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database, type DatabaseHandle } from '../src/db';
import { testApi, testServices } from '../test/support/services';
import { schema } from '../test/support/tables';
import { RunState, RunType } from '../src/runs/types';
import { SecretBox } from '../src/platform/secrets';

const STACKS = 1_000;
const RUNS_PER_STACK = 20;
const ROWS_PER_INSERT = 1_000;
const QUERY = '{ stacks { id state runs { id state } } }';
const LOAD = { connections: 10, warmupSeconds: 3, durationSeconds: 15 };

interface StackAnswer {
  id: string;
  state: string;
  runs: Array<{ id: string; state: string }>;
}

interface StacksAnswer {
  data?: { stacks: StackAnswer[] };
  errors?: unknown[];
}

async function seed(database: DatabaseHandle) {
  const stackRows = Array.from({ length: STACKS }, (_, i) => ({
    id: `stack-${i}`,
    name: `Stack ${i}`,
    provider: 'RAW_GIT' as const,
    repository: `https://git.example.com/stack-${i}.git`,
    branch: 'main',
  }));
  for (let i = 0; i < stackRows.length; i += ROWS_PER_INSERT) {
    await database.db.insert(schema.stacks).values(stackRows.slice(i, i + ROWS_PER_INSERT));
  }
  // Monotonic ids, so that each stack's runs sort by id in the order they were made.
  const runId = monotonicFactory();
  const runRows = stackRows.flatMap((stack) =>
    Array.from({ length: RUNS_PER_STACK }, () => ({
      id: runId(),
      stackId: stack.id,
      type: RunType.TRACKED,
      state: RunState.FINISHED,
      branch: 'main',
      commitHash: randomBytes(20).toString('hex'),
    })),
  );
  for (let i = 0; i < runRows.length; i += ROWS_PER_INSERT) {
    await database.db.insert(schema.runs).values(runRows.slice(i, i + ROWS_PER_INSERT));
  }
}

/**
 * The answer as one would write it by hand for this one query: the stacks, each with its state
 * (that of its latest tracked run that started, or NONE) and its newest 50 tracked runs, read
 * in one statement, shaped and serialized. It serves the admin, who reads every stack.
 */
async function handWrittenAnswer(db: Database): Promise<string> {
  const { rows } = await db.execute<{
    id: string;
    state: string;
    run_id: string | null;
    run_state: string | null;
  }>(sql`
    select stacks.id, coalesce(latest.state, 'NONE') as state, page.id as run_id, page.state as run_state
    from stacks
    left join lateral (
      select state from runs
      where runs.stack_id = stacks.id and runs.type = 'TRACKED' and runs.state not in ('QUEUED', 'CANCELED')
      order by runs.id desc limit 1
    ) latest on true
    left join lateral (
      select id, state from runs
      where runs.stack_id = stacks.id and runs.type = 'TRACKED'
      order by runs.id desc limit 50
    ) page on true
    order by stacks.id, page.id desc`);
  const stacks: StackAnswer[] = [];
  for (const row of rows) {
    let stack = stacks.at(-1);
    if (stack?.id !== row.id) {
      stack = { id: row.id, state: row.state, runs: [] };
      stacks.push(stack);
    }
    if (row.run_id !== null) stack.runs.push({ id: row.run_id, state: row.run_state! });
  }
  return JSON.stringify({ data: { stacks } });
}

async function listen(server: http.Server): Promise<string> {
  // Under this load the client's thread can wait seconds for a core; Node's default 5 s would
  // close connections between its requests and count resets as errors.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Warms the server up, then loads it; fails on any answer that is not a 2xx. */
async function load(
  name: string,
  url: string,
  request: { headers: Record<string, string>; body: string },
) {
  const options = {
    ...request,
    url,
    method: 'POST' as const,
    connections: LOAD.connections,
    // Gantry's answers queue behind each other for seconds; the default of 10 s is too short.
    timeout: 60,
    // In a worker thread of its own: on the main thread, Gantry's synchronous work would delay
    // autocannon's per-second samples and its reading of answers, and skew both numbers.
    workers: 1,
    debug: true,
  };
  await autocannon({ ...options, duration: LOAD.warmupSeconds });
  // autocannon drops the requests it has in flight when it stops, but the server still answers
  // them; the answer to one more request means they are done and the measured run starts idle.
  await (await fetch(url, { method: 'POST', ...request })).arrayBuffer();
  const result = await autocannon({ ...options, duration: LOAD.durationSeconds });
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(
      `loading ${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    name,
    rps: result.requests.mean,
    p99Ms: result.latency.p99,
    total: result.requests.total,
  };
}

async function main() {
  // PGlite, the embedded default; with DATABASE_URL, a schema of its own on that server.
  const url = process.env.DATABASE_URL;
  const schemaName = `bench_${randomBytes(6).toString('hex')}`;
  const database = await openDatabase(url ? { url, schema: schemaName } : {});
  const servers: http.Server[] = [];
  try {
    await database.migrate();
    const seedStarted = performance.now();
    await seed(database);
    const seedMs = performance.now() - seedStarted;

    const adminToken = randomBytes(24).toString('base64url');
    const gantry = http.createServer();
    servers.push(gantry);
    const gantryUrl = await listen(gantry);
    gantry.on(
      'request',
      testApi(
        testServices({
          db: database.db,
          changes: database.changes,
          box: new SecretBox(randomBytes(32)),
          // The query never reaches Temporal; a lazy connection never dials this address.
          client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
          publicUrl: gantryUrl,
        }),
        { adminToken: adminToken },
      ),
    );

    const headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${adminToken}`,
    };
    const body = JSON.stringify({ query: QUERY });
    const firstStarted = performance.now();
    const response = await fetch(`${gantryUrl}/graphql`, { method: 'POST', headers, body });
    const answer = Buffer.from(await response.arrayBuffer());
    const firstMs = performance.now() - firstStarted;
    const parsed = JSON.parse(answer.toString('utf8')) as StacksAnswer;
    const stacks = parsed.data?.stacks ?? [];
    if (
      response.status !== 200 ||
      parsed.errors ||
      stacks.length !== STACKS ||
      stacks.some((stack) => stack.runs.length !== RUNS_PER_STACK)
    ) {
      throw new Error(
        `checking the answer: expected ${STACKS} stacks of ${RUNS_PER_STACK} runs and no errors, ` +
          `got status ${response.status}: ${answer.toString('utf8').slice(0, 500)}`,
      );
    }

    const handWritten = http.createServer((request, reply) => {
      // It reads the request as any endpoint must, then answers it.
      request.resume();
      request.on('end', () => {
        handWrittenAnswer(database.db).then(
          (text) => {
            reply.writeHead(200, {
              'content-type': 'application/json; charset=utf-8',
              'content-length': Buffer.byteLength(text),
            });
            reply.end(text);
          },
          (error: unknown) => {
            console.error(error);
            reply.writeHead(500).end();
          },
        );
      });
    });
    servers.push(handWritten);
    const handWrittenUrl = await listen(handWritten);
    const handWrittenText = await (
      await fetch(handWrittenUrl, { method: 'POST', headers, body })
    ).text();
    if (handWrittenText !== answer.toString('utf8')) {
      throw new Error(
        `checking the hand-written answer: it differs from Gantry's; it starts ${handWrittenText.slice(0, 300)}`,
      );
    }

    const bare = http.createServer((_request, reply) => {
      reply.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
      reply.end(answer);
    });
    servers.push(bare);
    const bareUrl = await listen(bare);

    const bytes = await load('bare bytes', bareUrl, { headers, body });
    const base = await load('hand-written', handWrittenUrl, { headers, body });
    const api = await load('gantry', `${gantryUrl}/graphql`, { headers, body });
    console.log(
      `${STACKS} stacks x ${RUNS_PER_STACK} runs on ${database.kind}, ${answer.length} byte answer, ` +
        `${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up, ${LOAD.durationSeconds} s measured`,
    );
    console.log(
      `the servers share this process's main thread, and autocannon's worker thread shares ` +
        `its ${os.availableParallelism()} cores with them: compare the rows, not machines`,
    );
    console.table(
      [bytes, base, api].map(({ name, rps, p99Ms, total }) => ({
        server: name,
        'requests/s': Number(rps.toFixed(1)),
        'p99 ms': p99Ms,
        requests: total,
        'of hand-written': Number((rps / base.rps).toFixed(2)),
      })),
    );
    console.log(
      JSON.stringify({
        benchmark: 'graphql-stacks',
        stacks: STACKS,
        runsPerStack: RUNS_PER_STACK,
        database: database.kind,
        answerBytes: answer.length,
        seedMs: Math.round(seedMs),
        firstAnswerMs: Math.round(firstMs),
        bareRps: Number(bytes.rps.toFixed(1)),
        baselineRps: Number(base.rps.toFixed(1)),
        gantryRps: Number(api.rps.toFixed(1)),
        bareP99Ms: bytes.p99Ms,
        baselineP99Ms: base.p99Ms,
        gantryP99Ms: api.p99Ms,
        // Gantry's requests/s as a share of the hand-written endpoint's; the target is 0.3.
        rpsRatio: Number((api.rps / base.rps).toFixed(2)),
        p99Ratio: Number((api.p99Ms / base.p99Ms).toFixed(1)),
      }),
    );
  } finally {
    await Promise.all(servers.map(close));
    await database.close();
    if (url) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`drop schema if exists ${schemaName} cascade`);
      await admin.end();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
