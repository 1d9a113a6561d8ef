/**
 * Every benchmark, one after another, each in a process of its own (so none warms or loads
 * another), and one table of what each measured against the baseline it measured in the same
 * run, with its target. A benchmark's own output is shown as it runs; the table comes last.
 * `bench:graphql` runs on PGlite, and again on PostgreSQL when DATABASE_URL is set.
 *
 * With --readme, the table also replaces the one between the bench markers in README.md's
 * Performance section.
 *
 *   npm run bench [-- --readme] [-- --only webhooks,trigger]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

/** One line of the table. */
interface Row {
  path: string;
  baseline: string;
  gantry: string;
  ratio: string;
  target: string;
  /** Whether the target holds; undefined for a row without one. */
  met: boolean | undefined;
}

type Measured = Record<string, number | string | Record<string, number>>;

interface Benchmark {
  name: string;
  script: string;
  env?: NodeJS.ProcessEnv;
  rows(measured: Measured): Row[];
}

const n = (value: unknown) => Number(value);
const ms = (value: unknown) => `${Math.round(n(value)).toLocaleString('en-US')} ms`;
const rate = (value: unknown) => `${n(value).toLocaleString('en-US')}/s`;
const times = (value: number) => `${value.toFixed(2)}×`;

function benchmarks(): Benchmark[] {
  const postgres = process.env.DATABASE_URL;
  const graphql = (database: string, env: NodeJS.ProcessEnv): Benchmark => ({
    name: 'graphql',
    script: 'graphqlStacks.ts',
    env,
    rows: (m) => [
      {
        path: `\`stacks { runs }\` 1,000 × 20, ${database} (\`bench:graphql\`)`,
        baseline: `hand-written ${rate(m.baselineRps)}`,
        gantry: `${rate(m.gantryRps)}, p99 ${ms(m.gantryP99Ms)}`,
        ratio: times(n(m.rpsRatio)),
        target: '≥ 0.3× the hand-written rate',
        met: n(m.rpsRatio) >= 0.3,
      },
    ],
  });
  return [
    {
      name: 'slack',
      script: 'slackCommands.ts',
      rows: (m) => [
        {
          path: '`/gantry status`, 50 concurrent, the ack (`bench:slack`)',
          baseline: `bare http ack p99 ${ms(m.bareAckP99Ms)}`,
          gantry: `ack p99 ${ms(m.gantryAckP99Ms)}; reply at response_url p99 ${ms(m.gantryReplyP99Ms)}`,
          ratio: `ack p99 ${times(n(m.ackP99Ratio))}`,
          target: 'ack p99 ≤ 100 ms',
          met: n(m.gantryAckP99Ms) <= 100,
        },
      ],
    },
    {
      name: 'webhooks',
      script: 'gitlabWebhooks.ts',
      rows: (m) => [
        {
          path: 'GitLab push → workflow started, 50 concurrent (`bench:webhooks`)',
          baseline: `bare starts ${rate(m.bareStartsPerSecond)}, p99 ${ms(m.bareP99Ms)}`,
          gantry: `${rate(m.webhooksPerSecond)}, p99 ${ms(m.webhookP99Ms)}`,
          ratio: `rate ${times(n(m.webhooksPerSecond) / n(m.bareStartsPerSecond))}, p99 ${times(n(m.webhookP99Ms) / n(m.bareP99Ms))}`,
          target: '≥ 0.7× the rate, p99 ≤ 1.5×',
          met:
            n(m.webhooksPerSecond) >= 0.7 * n(m.bareStartsPerSecond) &&
            n(m.webhookP99Ms) <= 1.5 * n(m.bareP99Ms),
        },
      ],
    },
    graphql('PGlite', { DATABASE_URL: '' }),
    ...(postgres ? [graphql('PostgreSQL', { DATABASE_URL: postgres })] : []),
    {
      name: 'trigger',
      script: 'runTrigger.ts',
      rows: (m) => [
        {
          path: '`runTrigger`, 20 concurrent (`bench:trigger`)',
          baseline: `bare starts p99 ${ms(m.bareP99Ms)}`,
          gantry: `${rate(m.triggersPerSecond)}, p50 ${ms(m.triggerP50Ms)}, p99 ${ms(m.triggerP99Ms)}`,
          ratio: `p99 ${times(n(m.p99Ratio))}`,
          target: 'p99 ≤ 200 ms',
          met: n(m.triggerP99Ms) <= 200,
        },
      ],
    },
    {
      name: 'run-overhead',
      script: 'runOverhead.ts',
      rows: (m) => [
        {
          path: 'a run vs `tofu init/plan/apply` by hand (`bench:run-overhead`)',
          baseline: `by hand ${ms(m.byHandMedianMs)}`,
          gantry: ms(m.gantryMedianMs),
          ratio: times(n(m.ratio)),
          target: '≤ 1.5×',
          met: n(m.ratio) <= 1.5,
        },
      ],
    },
    {
      name: 'policy',
      script: 'policyDecisions.ts',
      rows: (m) => [
        {
          path: 'stack access decisions, five policies (`bench:policy`)',
          baseline: `opa-wasm alone ${rate(m.bareDecisionsPerSecond)}`,
          gantry: `${rate(m.gantryDecisionsPerSecond)}, p99 ${n(m.gantryP99Ms)} ms`,
          ratio: times(n(m.gantryDecisionsPerSecond) / n(m.bareDecisionsPerSecond)),
          target: '—',
          met: undefined,
        },
      ],
    },
    {
      name: 'admission',
      script: 'admission.ts',
      rows: (m) => [
        {
          path: `500 proposed runs through webhooks, one worker with 2 places (\`bench:admission\`; ${m.shape as string})`,
          baseline: `by hand ${n(m.byHandSeconds)} s; bare starts p99 ${ms(m.bareStartP99Ms)}`,
          gantry: `${n(m.finished)} of ${n(m.runs)} FINISHED in ${n(m.gantrySeconds)} s; answers p99 ${ms(m.webhookP99Ms)}`,
          ratio: `wall ${times(n(m.wallRatio))}, p99 ${times(n(m.p99Ratio))}`,
          target: 'all FINISHED, p99 ≤ 2×',
          met: n(m.finished) === n(m.runs) && n(m.p99Ratio) <= 2,
        },
      ],
    },
  ];
}

/** Runs one benchmark's script, its output shown as it comes; the JSON line it printed last. */
async function run(benchmark: Benchmark): Promise<Measured> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, benchmark.script)],
    { env: { ...process.env, ...benchmark.env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    process.stdout.write(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = output
    .split('\n')
    .reverse()
    .find((found) => found.startsWith('{"benchmark"'));
  if (code !== 0 || !line) {
    throw new Error(`bench/${benchmark.script} ended with ${code} and no result line`);
  }
  return JSON.parse(line) as Measured;
}

function table(rows: Row[]): string {
  const lines = [
    '| path | baseline in the same run | Gantry | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.path} | ${row.baseline} | ${row.gantry} | ${row.ratio} | ${row.target} | ${
          row.met === undefined ? '—' : row.met ? 'yes' : '**no**'
        } |`,
    ),
  ];
  return lines.join('\n');
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

async function writeReadme(text: string) {
  const file = path.join(__dirname, '..', 'README.md');
  const readme = await fs.readFile(file, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no ${START} … ${END} markers for the table`);
  }
  await fs.writeFile(
    file,
    `${readme.slice(0, start + START.length)}\n\n${text}\n\n${readme.slice(end)}`,
  );
}

async function main() {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1]?.split(',') : undefined;
  const chosen = benchmarks().filter((benchmark) => !only || only.includes(benchmark.name));
  const rows: Row[] = [];
  const failed: string[] = [];
  for (const benchmark of chosen) {
    console.log(`\n== bench/${benchmark.script}`);
    try {
      rows.push(...benchmark.rows(await run(benchmark)));
    } catch (error) {
      failed.push((error as Error).message);
    }
  }
  const measured = `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\`${
    process.env.DATABASE_URL ? ' (DATABASE_URL set)' : ''
  }.`;
  const text = `${table(rows)}\n\n${measured}`;
  console.log(`\n${text}`);
  for (const message of failed) console.error(message);
  if (args.includes('--readme') && failed.length === 0) await writeReadme(text);
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
