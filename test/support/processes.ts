import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

const gantryBin = path.join(__dirname, '../../bin/gantry.js');

/** The environment a user has: none of CI's DATABASE_URL, so `all` runs fully embedded. */
export function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...extra };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  delete env.GANTRY_ADMIN_TOKEN;
  return env;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export function runGantry(args: string[], env: NodeJS.ProcessEnv, node = process.execPath) {
  const child = spawn(node, [gantryBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exit, output: () => output };
}

export async function waitForReady(url: string, exit: Promise<Exit>, timeoutMs = 110_000) {
  const deadline = Date.now() + timeoutMs;
  let exited: Exit | undefined;
  void exit.then((result) => (exited = result));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`gantry exited before it was ready:\n${exited.output}`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s`);
}

/** Processes whose command line names this test's data dir: what Gantry started. */
export function processesUsing(dataDir: string) {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(dataDir) && !/^\s*\d+\s+Z/.test(line));
}

/** Host processes whose command line names `marker`: what a test's code left running. */
export function processesNamed(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', marker], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line && !line.includes('pgrep'));
  } catch {
    return [];
  }
}
