/**
 * What a stack access decision costs, for one stack with five attached policies, three ways in
 * the same process:
 * - the baseline: the five compiled policies evaluated directly with @open-policy-agent/opa-wasm;
 * - Gantry's decision once the attachments are known (a request deciding for many stacks reads
 *   them once): the cached instances evaluated, and their rules combined;
 * - a request about this one stack: the attachments read from the database (PGlite), then the
 *   decision.
 * Prints a table and one JSON line.
 *
 *   npm run bench:policy [-- decisions]
 */
import fs from 'node:fs/promises';
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import path from 'node:path';
import { StackAccess } from '../src/auth/access';
import type { Viewer } from '../src/auth/viewer';
import { openDatabase } from '../src/db';
import { schema } from '../test/support/tables';
import { createLogger } from '../src/platform/logger';
import { PolicyAccess, stackInput } from '../src/policy/access';
import { PolicyCompiler } from '../src/policy/compiler';
import {
  evaluateRules,
  loadCompiledPolicy,
  PolicyEvaluator,
  type HttpPolicyInput,
} from '../src/policy/evaluator';
import { PolicyService } from '../src/policy/service';
import { requireTool } from '../src/platform/tools';

const WARMUP = 2_000;

// The built-in examples and two more of the shapes people write: labels and logins.
const BODIES: Record<string, Promise<string> | string> = {
  'Office hours': fs.readFile(path.join(__dirname, '../policies/office-hours.rego'), 'utf8'),
  'Team reads': fs.readFile(path.join(__dirname, '../policies/team-read-only.rego'), 'utf8'),
  'Slack channel': fs.readFile(
    path.join(__dirname, '../policies/slack-channel-write.rego'),
    'utf8',
  ),
  'Frozen stacks': 'package spacelift\n\ndeny if "frozen" in input.stack.labels\n',
  'On-call writes': [
    'package spacelift',
    '',
    'on_call := {"alice", "bob", "carol"}',
    '',
    'write if {',
    '  input.session.login in on_call',
    '  startswith(input.stack.branch, "main")',
    '}',
  ].join('\n'),
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `decide` `count` times after a warm-up; per-decision latencies and the rate. */
async function measure(name: string, count: number, decide: () => unknown) {
  for (let i = 0; i < WARMUP; i++) await decide();
  const latencies = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const before = performance.now();
    await decide();
    latencies[i] = performance.now() - before;
  }
  const totalMs = performance.now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    name,
    perSecond: Math.round((count / totalMs) * 1000),
    p50Ms: Number(percentile(sorted, 50).toFixed(3)),
    p99Ms: Number(percentile(sorted, 99).toFixed(3)),
  };
}

async function main() {
  const count = Number(process.argv[2] ?? 20_000);
  const database = await openDatabase({});
  try {
    await database.migrate();
    const [stack] = await database.db
      .insert(schema.stacks)
      .values({
        id: 'payments',
        name: 'Payments',
        provider: 'RAW_GIT',
        repository: 'file:///srv/git/payments.git',
        branch: 'main',
        labels: ['prod'],
        readersSlug: 'auditors',
      })
      .returning();
    const compiler = new PolicyCompiler(requireTool('opa', process.env));
    const policies = new PolicyService({ db: database.db, compiler });
    const compiled: LoadedPolicy[] = [];
    const ids: string[] = [];
    for (const [name, body] of Object.entries(BODIES)) {
      const policy = await policies.create('ACCESS', { name, body: await body });
      await policies.attach(policy.id, stack!.id);
      compiled.push(await loadCompiledPolicy(policy.wasm));
      ids.push(policy.id);
    }

    const viewer: Viewer = {
      id: 'alice',
      name: 'Alice',
      admin: false,
      teams: ['engineering'],
      avatarURL: '',
    };
    // A Wednesday at 11:00 in Berlin, so that no policy denies and all five are evaluated.
    const timestampNs = Date.parse('2026-11-25T10:00:00Z') * 1e6;
    const input: HttpPolicyInput = {
      request: { remote_ip: '10.0.0.7', timestamp_ns: timestampNs },
      session: { login: viewer.id, name: viewer.name, teams: viewer.teams, admin: false },
      stack: stackInput(stack!),
    };
    const evaluator = new PolicyEvaluator({ db: database.db, logger: createLogger('warn') });
    const access = new PolicyAccess({ db: database.db, evaluator });
    const origin = { remoteIp: '10.0.0.7', timestampNs };
    const decided = await new StackAccess(viewer, access.forRequest(origin)).level(stack!);
    if (decided !== 'write')
      throw new Error(`checking the decision: expected write, got ${decided}`);

    const bare = await measure('opa-wasm, 5 policies', count, () =>
      compiled.map((policy) => evaluateRules(policy, input)),
    );
    const refs = compiled.map((_policy, index) => ({ id: ids[index]!, version: 1 }));
    const gantry = await measure('gantry, 5 policies', count, () => evaluator.decide(refs, input));
    // A new StackAccess each time, as each API request makes one: the attachments are read anew.
    const request = await measure('gantry, 1-stack request', count, () =>
      new StackAccess(viewer, access.forRequest(origin)).level(stack!),
    );
    console.log(`1 stack, ${compiled.length} attached policies, ${count} decisions each, PGlite`);
    console.table([bare, gantry, request]);
    console.log(
      JSON.stringify({
        benchmark: 'policy-decisions',
        policies: compiled.length,
        decisions: count,
        bareDecisionsPerSecond: bare.perSecond,
        gantryDecisionsPerSecond: gantry.perSecond,
        bareP99Ms: bare.p99Ms,
        gantryP99Ms: gantry.p99Ms,
        requestDecisionsPerSecond: request.perSecond,
        requestP99Ms: request.p99Ms,
        rateRatio: Number((bare.perSecond / gantry.perSecond).toFixed(1)),
      }),
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
