import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Stack } from '../../src/stacks/tables';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { claimWorkRoot } from '../../activities/runner/workspace';
import { schema } from '../support/tables';
import { RunState, RunType } from '../../src/runs/types';
import { StackService } from '../../src/stacks/service';
import { issueStateCredentials } from '../../src/state/store';
import { RawGitProvider } from '../../src/vcs/rawGit';
import { startApiServer, type ApiServer } from '../support/api';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';

/** Input from outside, shaped to hurt: every piece is refused with a 4xx and changes nothing. */
describe('hostile input', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let repo: TestRepo;
  let scratch: string;

  const createStack = (input: Record<string, unknown>) =>
    api.graphql<{ stackCreate: { id: string } }>(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      {
        input: {
          name: 'Hostile',
          administrative: false,
          branch: 'main',
          repository: repo.url,
          provider: 'RAW_GIT',
          ...input,
        },
      },
    );

  beforeAll(async () => {
    harness = await startRunHarness();
    api = await startApiServer(harness);
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': '' }, 'Empty');
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-hostile-'));
    await harness.database.db.insert(schema.stacks).values({
      id: 'target',
      name: 'Target',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
    });
  });

  afterAll(async () => {
    await api?.close();
    await harness?.stop();
    await repo?.remove();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  it('M1: never lets a repository URL run a command, when a stack is made or when its code is read', async () => {
    const marker = path.join(scratch, 'pwned');
    for (const repository of [
      `--upload-pack=touch ${marker}`,
      `--exec=touch ${marker}`,
      `ext::sh -c touch% ${marker}`,
      'ftp://example.com/repo.git',
    ]) {
      const answer = await createStack({ repository });
      expect(answer.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
      expect(answer.errors?.[0]?.message).toMatch(/^repository ".*" (is not|uses)/);
      // A stack stored before these were refused is refused when its code is read.
      const stored = { repository, provider: 'RAW_GIT' } as Stack;
      await expect(new RawGitProvider({ allowFile: true }).headOf(stored, 'main')).rejects.toThrow(
        /^repository/,
      );
    }
    await expect(fs.access(marker)).rejects.toThrow();

    const onDisk = new StackService({ db: harness.database.db, box: harness.box });
    await expect(
      onDisk.createStack({
        name: 'Local',
        administrative: false,
        branch: 'main',
        repository: repo.url,
        provider: 'RAW_GIT',
      }),
    ).rejects.toThrow(/on the worker's own disk, which this Gantry does not allow/);
  });

  it('H5: answers a state request without credentials before reading its body', async () => {
    for (const target of [
      '/state/target',
      `/state-uploads/${'a'.repeat(32)}?expires=9999999999&signature=forged`,
    ]) {
      const status = await statusBeforeBody(
        api.url,
        target,
        target.startsWith('/state/') ? 'POST' : 'PUT',
      );
      expect(status).toBe(target.startsWith('/state/') ? 401 : 403);
    }
  });

  it('L2: answers NUL characters, huge tokens and impossible serials 400, never 5xx', async () => {
    const named = await createStack({ name: 'bad\u0000name' });
    expect(named.status).toBe(400);
    expect(named.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    const command = await api.graphql(
      `mutation ($command: String!) { taskCreate(stack: "target", command: $command) { id } }`,
      {
        command: 'echo \u0000',
      },
    );
    expect(command.status).toBe(400);

    await harness.database.db.insert(schema.runs).values({
      id: '01JHOSTILE0000000000000000',
      stackId: 'target',
      type: RunType.TRACKED,
      state: RunState.APPLYING,
      branch: 'main',
      commitHash: 'a'.repeat(40),
    });
    const logs = await api.graphql(
      `{ stack(id: "target") { run(id: "01JHOSTILE0000000000000000") { logs(state: PLANNING, token: "99999999999999999999999") { hasMore } } } }`,
    );
    expect(logs.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT' });

    const credentials = await issueStateCredentials(harness.database.db, {
      runId: '01JHOSTILE0000000000000000',
      stackId: 'target',
      ttlMs: 60_000,
      readOnly: false,
    });
    const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    for (const serial of [1.5, 1e12, -1]) {
      const response = await fetch(`${harness.apiUrl}/state/target`, {
        method: 'POST',
        headers: { authorization },
        body: JSON.stringify({ version: 4, serial, lineage: 'l' }),
      });
      expect(response.status).toBe(400);
    }
    const lock = await fetch(`${harness.apiUrl}/state/target`, {
      method: 'LOCK',
      headers: { authorization },
      body: JSON.stringify({ ID: 'lock\u0000id' }),
    });
    expect(lock.status).toBe(400);
    expect(await harness.database.db.select().from(schema.stateVersions)).toEqual([]);
    expect(await harness.database.db.select().from(schema.stateLocks)).toEqual([]);
  });

  it('answers deeply nested variables and documents 400, without a login, never 5xx', async () => {
    const nested = '['.repeat(20_000) + ']'.repeat(20_000);
    const deepVariables = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":"{ viewer { id } }","variables":{"deep":${nested}}}`,
    });
    expect(deepVariables.status).toBe(400);
    const deepDocument = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ ${'stacks { runs { '.repeat(5_000)}${'} } '.repeat(5_000)}}`,
      }),
    });
    expect(deepDocument.status).toBeLessThan(500);
    // Fragments that each spread the next twice: costed once each, not 2^30 times (which would
    // not answer before the test's time is up).
    const fragments = Array.from(
      { length: 30 },
      (_, index) => `fragment F${index} on Stack { id ...F${index + 1} ...F${index + 1} }`,
    );
    fragments.push('fragment F30 on Stack { id }');
    const fanned = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ stacks { ...F0 } } ${fragments.join(' ')}` }),
    });
    expect(fanned.status).toBeLessThan(500);
  });

  it("L9: refuses file mounts that are no file, and config that would replace Gantry's own variables", async () => {
    for (const [id, type] of [
      ['.', 'FILE_MOUNT'],
      ['conf/./x', 'FILE_MOUNT'],
      ['PATH', 'ENVIRONMENT_VARIABLE'],
      ['TF_HTTP_PASSWORD', 'ENVIRONMENT_VARIABLE'],
      ['TF_VAR_gantry_run_id', 'ENVIRONMENT_VARIABLE'],
    ]) {
      const answer = await api.graphql(
        `mutation ($config: ConfigInput!) { stackConfigAdd(stack: "target", config: $config) { id } }`,
        { config: { id, type, value: 'e30=', writeOnly: false } },
      );
      expect(answer.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    }
    expect(await harness.database.db.select().from(schema.configElements)).toEqual([]);
  });

  it("L8: keeps each worker's workspaces private, and removes those of workers that are gone", async () => {
    const base = path.join(scratch, 'workspaces');
    await fs.mkdir(path.join(base, '999999999', '01JLEFTOVER'), { recursive: true });
    await fs.chmod(scratch, 0o755);
    const root = await claimWorkRoot(base);
    expect(root).toBe(path.join(base, String(process.pid)));
    expect(await fs.readdir(base)).toEqual([String(process.pid)]);
    expect((await fs.stat(base)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(root)).mode & 0o777).toBe(0o700);
  });
});

/**
 * Sends a request's headers announcing a 200 MB body and nothing of the body, and returns the
 * status it is answered with: a server that waits for the body before checking credentials
 * answers nothing until the test gives up.
 */
function statusBeforeBody(base: string, target: string, method: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(
        `${method} ${target} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\n` +
          randomBytes(1024).toString('hex'),
      );
    });
    let head = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${method} ${target} before its body`));
    }, 10_000);
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (status) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
