'use strict';
/**
 * The first process of a run's sandbox, started by bubblewrap as the run's own user. It starts
 * the tool in a process group of its own and stands between it and the worker:
 *
 * - The tool's output is relayed to the worker. Without this relay a tool whose worker died
 *   would be killed by SIGPIPE on its next line, in the middle of an apply, before OpenTofu could
 *   write the state it had so far.
 * - The worker steers it through stdin: one JSON line with what to run, then `interrupt` or
 *   `kill` lines. Stdin closing means the worker is gone: the tool is interrupted as if the
 *   worker had asked, so OpenTofu stops cleanly and saves its state, and killed after the grace.
 *
 * When this process exits, bubblewrap's init exits and the kernel kills everything left in the
 * sandbox's PID namespace: nothing a run starts outlives it, `setsid` or not.
 *
 * Plain CommonJS with no dependencies: it runs on the worker's Node binary inside the sandbox,
 * where nothing of Gantry's code is mounted but this file.
 */
const { spawn } = require('node:child_process');
const os = require('node:os');

const input = { buffer: '', spec: undefined };
let child;
let killTimer;
let workerGone = false;

function signalGroup(signal) {
  if (!child || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function interrupt(graceMs) {
  signalGroup('SIGINT');
  if (killTimer === undefined) killTimer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
}

function relay(from, to) {
  from.on('data', (chunk) => {
    if (workerGone) return;
    to.write(chunk);
  });
}

function onWorkerGone() {
  if (workerGone) return;
  workerGone = true;
  if (child) interrupt(input.spec.orphanGraceMs);
  else process.exit(1);
}

function start(spec) {
  input.spec = spec;
  child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('error', (error) => {
    process.stderr.write(`starting ${spec.command}: ${error.message}\n`);
    process.exit(127);
  });
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  child.once('exit', (code, signal) => {
    // Whatever the tool left running in its group goes with it.
    signalGroup('SIGKILL');
    const status = code ?? 128 + (signal ? os.constants.signals[signal] : 0);
    let pending = 2;
    const done = () => {
      pending -= 1;
      if (pending === 0) process.exit(status);
    };
    if (workerGone) process.exit(status);
    process.stdout.write('', done);
    process.stderr.write('', done);
  });
}

for (const stream of [process.stdout, process.stderr]) stream.on('error', onWorkerGone);

process.stdin.setEncoding('utf8');
process.stdin.on('data', (data) => {
  input.buffer += data;
  let newline;
  while ((newline = input.buffer.indexOf('\n')) >= 0) {
    const line = input.buffer.slice(0, newline);
    input.buffer = input.buffer.slice(newline + 1);
    if (!input.spec) {
      start(JSON.parse(line));
    } else if (line === 'interrupt') {
      signalGroup('SIGINT');
    } else if (line === 'kill') {
      signalGroup('SIGKILL');
      process.exit(137);
    }
  }
});
process.stdin.on('end', onWorkerGone);
process.stdin.on('error', onWorkerGone);
