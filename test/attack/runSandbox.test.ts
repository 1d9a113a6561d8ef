import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import {
  initializePhase,
  performPhase,
  planPhase,
  type RunnerDependencies,
} from '../../activities/runner/phases';
import { WorkspaceError } from '../../activities/runner/workspace';
import { schema } from '../support/tables';
import { RunState, RunType } from '../../src/runs/types';
import { SecretBox, sha256Hex } from '../../src/platform/secrets';
import { latestState, storeState } from '../../src/state/store';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { processesNamed } from '../support/processes';
import { runnerDependencies } from '../support/runs';
import { startStateServer, type StateServer } from '../support/stateServer';

/**
 * What a stack's code can reach when it runs: plan-time HCL, a provider binary shipped in the
 * repository, a task's command. Each reaches for what an attacker wants from a Gantry worker —
 * the data dir's admin token, the worker's own environment, another run's workspace, the
 * state of the stack — and must find nothing, and leave nothing running.
 */
describe('a run attacking its worker', () => {
  let database: TestDatabase;
  let stateServer: StateServer;
  let repo: TestRepo;
  let deps: RunnerDependencies;
  let dataDir: string;
  let workRoot: string;
  let otherWorkspace: string;
  const adminToken = randomBytes(24).toString('hex');
  const otherSecret = randomBytes(24).toString('hex');
  const marker = `gantry-escape-${randomBytes(6).toString('hex')}`;
  let runs = 0;

  const newRun = async (stackId: string, commitHash: string, type: RunType, command?: string) => {
    const id = `01JATTACK${String(++runs).padStart(17, '0')}`;
    await database.db.insert(schema.runs).values({
      id,
      stackId,
      type,
      state: RunState.QUEUED,
      branch: 'main',
      commitHash,
      ...(command ? { command } : {}),
    });
    return id;
  };

  const logs = async (runId: string, state: RunState) =>
    (
      await database.db
        .select({ message: schema.runLogs.message })
        .from(schema.runLogs)
        .where(and(eq(schema.runLogs.runId, runId), eq(schema.runLogs.state, state)))
        .orderBy(asc(schema.runLogs.seq))
    )
      .map((row) => row.message)
      .join('\n');

  /** Nothing secret, in any encoding a tool might have printed it in. */
  const expectNoSecrets = (text: string) => {
    for (const secret of [adminToken, otherSecret]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    }
    expect(text).not.toContain('DATABASE_URL');
  };

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    // A data dir as `gantry all` keeps it: owner-only files beside the worker.
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-data-'));
    await fs.writeFile(path.join(dataDir, 'admin-token'), adminToken, { mode: 0o600 });
    workRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-work-'));
    otherWorkspace = path.join(workRoot, '01JOTHERRUN000000000000000');
    await fs.mkdir(otherWorkspace, { recursive: true });
    await fs.writeFile(path.join(otherWorkspace, 'secret.txt'), otherSecret);
    repo = await createTestRepo();
    await repo.commit({ 'README.md': 'attack' }, 'Start');

    const box = new SecretBox(randomBytes(32));
    await database.db.insert(schema.stacks).values([
      {
        id: 'attack',
        name: 'Attack',
        provider: 'RAW_GIT',
        repository: repo.url,
        branch: 'main',
      },
      {
        id: 'linked',
        name: 'Linked',
        provider: 'RAW_GIT',
        repository: repo.url,
        branch: 'main',
        projectRoot: 'infra',
      },
    ]);
    await database.db.insert(schema.configElements).values({
      stackId: 'linked',
      id: 'conf/stolen.json',
      type: 'FILE_MOUNT',
      writeOnly: true,
      encryptedValue: box.seal(Buffer.from('{"secret":true}').toString('base64')),
      checksum: sha256Hex('{"secret":true}'),
    });

    stateServer = await startStateServer(database.db);
    deps = await runnerDependencies({ db: database.db, box, apiUrl: stateServer.url, workRoot });
  });

  afterAll(async () => {
    await stateServer?.close();
    await database?.close();
    await repo?.remove();
    for (const dir of [dataDir, workRoot]) {
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reads none of the worker through plan-time HCL', async () => {
    const commit = await repo.commit(
      {
        'main.tf': `
output "token" {
  value = try(file("${dataDir}/admin-token"), "unreadable")
}
output "environ" {
  value = try(filebase64("/proc/${process.pid}/environ"), "unreadable")
}
output "other_run" {
  value = try(file("${otherWorkspace}/secret.txt"), "unreadable")
}
`,
      },
      'Read what the worker has',
    );
    const runId = await newRun('attack', commit, RunType.PROPOSED);
    await initializePhase(deps, runId);
    await planPhase(deps, runId);
    const planned = await logs(runId, RunState.PLANNING);
    expect(planned).toContain('token     = "unreadable"');
    expect(planned).toContain('environ   = "unreadable"');
    expect(planned).toContain('other_run = "unreadable"');
    expectNoSecrets(planned);
  });

  it('confines a provider binary shipped in the repository: no secrets, no state write, nothing left running', async () => {
    await storeState(database.db, {
      stackId: 'attack',
      content: Buffer.from(JSON.stringify({ version: 4, serial: 7, lineage: 'production' })),
    });
    const port = new URL(stateServer.url).port;
    // A "provider" is any executable OpenTofu finds in the repository's plugin directory; it
    // runs at plan time with the run's environment, state credentials included. It reports
    // on its one line of output, which OpenTofu prints when the handshake fails.
    const provider = `#!/bin/bash
forged='{"version":4,"serial":99,"lineage":"attacker"}'
status=$( { exec 3<>/dev/tcp/127.0.0.1/${port} &&
  printf 'POST /state/attack HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Basic %s\\r\\nContent-Length: %s\\r\\nConnection: close\\r\\n\\r\\n%s' \\
    "$(printf '%s:%s' "$TF_HTTP_USERNAME" "$TF_HTTP_PASSWORD" | base64 -w0)" "\${#forged}" "$forged" >&3 &&
  head -n 1 <&3; } 2>&1 | tr -d '\\r')
setsid sh -c 'sleep 300; echo ${marker}' >/dev/null 2>&1 &
echo "REPORT uid=$(id -u) token=$(base64 -w0 < ${dataDir}/admin-token 2>&1) environ=$(base64 -w0 < /proc/${process.pid}/environ 2>&1) other=$(cat ${otherWorkspace}/secret.txt 2>&1) processes=$(ls /proc | grep -c '^[0-9]') state=$status"
exit 1
`;
    const commit = await repo.commit(
      {
        'main.tf': `
terraform {
  required_providers {
    evil = {
      source  = "registry.opentofu.org/attacker/evil"
      version = "1.0.0"
    }
  }
}

provider "evil" {}
`,
        'terraform.d/plugins/registry.opentofu.org/attacker/evil/1.0.0/linux_amd64/terraform-provider-evil_v1.0.0':
          { executable: provider },
      },
      'Ship a provider',
    );
    const runId = await newRun('attack', commit, RunType.PROPOSED);
    await initializePhase(deps, runId);
    await expect(planPhase(deps, runId)).rejects.toThrow('tofu plan exited with code 1');

    const planned = await logs(runId, RunState.PLANNING);
    const report = planned.split('\n').find((line) => line.includes('REPORT'));
    expect(report).toBeDefined();
    expect(report).toContain('uid=65534');
    expect(report).toMatch(/token=.*No such file or directory/);
    expect(report).toMatch(/environ=.*No such file or directory/);
    expect(report).toMatch(/other=.*No such file or directory/);
    expect(report).toContain('state=HTTP/1.1 403 Forbidden');
    expectNoSecrets(planned);

    const state = await latestState(database.db, 'attack');
    expect(JSON.parse(state!.content.toString('utf8'))).toMatchObject({ lineage: 'production' });
    expect(processesNamed(marker)).toEqual([]);
  });

  it("gives a task's command nothing of the worker", async () => {
    const commit = await repo.commit({ 'main.tf': '' }, 'Empty');
    const runId = await newRun(
      'attack',
      commit,
      RunType.TASK,
      [
        `cat ${dataDir}/admin-token`,
        `base64 -w0 < /proc/${process.pid}/environ`,
        `ls ${workRoot}`,
        `kill -0 ${process.pid} && echo worker-"visible"`,
        `(setsid sh -c 'sleep 300; echo ${marker}' >/dev/null 2>&1 &)`,
        'echo done',
      ].join('; '),
    );
    await initializePhase(deps, runId);
    await performPhase(deps, runId);
    const performed = await logs(runId, RunState.PERFORMING);
    expect(performed).toContain('done');
    expect(performed).toContain(`${dataDir}/admin-token: No such file or directory`);
    expect(performed).not.toContain('worker-visible');
    expectNoSecrets(performed);
    expect(processesNamed(marker)).toEqual([]);
  });

  it('stores the planned workspace and plan sealed: a write-only file mount is nowhere in plaintext', async () => {
    const mounted = randomBytes(24).toString('hex');
    await database.db.insert(schema.configElements).values({
      stackId: 'attack',
      id: 'creds.json',
      type: 'FILE_MOUNT',
      writeOnly: true,
      encryptedValue: deps.box.seal(Buffer.from(mounted).toString('base64')),
      checksum: sha256Hex(mounted),
    });
    const commit = await repo.commit(
      {
        'main.tf': 'resource "terraform_data" "creds" {\n  input = file("creds.json")\n}\n',
      },
      'Use the mounted file',
    );
    const runId = await newRun('attack', commit, RunType.TRACKED);
    await initializePhase(deps, runId);
    await planPhase(deps, runId);
    const artifacts = await database.db
      .select()
      .from(schema.runArtifacts)
      .where(eq(schema.runArtifacts.runId, runId));
    expect(artifacts.map((artifact) => artifact.name).sort()).toEqual(['plan.json', 'workspace']);
    for (const artifact of artifacts) {
      expect(SecretBox.isSealedBuffer(artifact.content)).toBe(true);
      expect(artifact.content.includes(mounted)).toBe(false);
    }
    const plan = artifacts.find((artifact) => artifact.name === 'plan.json')!;
    expect(deps.box.openBuffer(plan.content).toString('utf8')).toContain(mounted);
    await database.db
      .delete(schema.configElements)
      .where(eq(schema.configElements.stackId, 'attack'));
  });

  it('refuses symbolic links that lead out of the repository', async () => {
    const commit = await repo.commit({ 'infra/conf': { symlink: dataDir } }, 'Link the data dir');
    const runId = await newRun('linked', commit, RunType.TRACKED);
    const initializing = initializePhase(deps, runId);
    await expect(initializing).rejects.toThrow(WorkspaceError);
    await expect(initializing).rejects.toThrow(
      `the repository's symbolic link "infra/conf" points outside the repository ("${dataDir}")`,
    );
    expect(await fs.readdir(dataDir)).toEqual(['admin-token']);

    const relative = await repo.commit(
      { infra: { symlink: path.relative(repo.dir, dataDir) } },
      'Make the project root the data dir',
    );
    const second = await newRun('linked', relative, RunType.TRACKED);
    await expect(initializePhase(deps, second)).rejects.toThrow(
      /symbolic link "infra" (points outside the repository|leads to nothing)/,
    );
    expect(await fs.readdir(dataDir)).toEqual(['admin-token']);

    // A link read by its text stays inside, but `up/..` is the parent of where `up` really
    // leads: the backend override Gantry writes would land outside, next to the work root.
    const escaped = `gantry-escaped-${randomBytes(6).toString('hex')}`;
    const sneaky = await repo.commit(
      {
        infra: 'replaced by a directory below',
        'a/b/c/d/e/up': { symlink: '../../../../..' },
        'gantry_backend_override.tf': { symlink: `a/b/c/d/e/up/../../../${escaped}` },
      },
      'A link that leads out only on disk',
    );
    const third = await newRun('attack', sneaky, RunType.TRACKED);
    await expect(initializePhase(deps, third)).rejects.toThrow(
      `the repository's symbolic link "gantry_backend_override.tf" leads to nothing`,
    );
    await expect(fs.access(path.join(path.dirname(workRoot), escaped))).rejects.toThrow();
  });
});
