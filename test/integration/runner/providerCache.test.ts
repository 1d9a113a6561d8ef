import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import {
  initializePhase,
  performPhase,
  type RunnerDependencies,
} from '../../../activities/runner/phases';
import { ProviderCache } from '../../../activities/runner/providerCache';
import { ProviderMirrorConfig } from '../../../activities/runner/providerMirror';
import { schema } from '../../support/tables';
import { RunState, RunType } from '../../../src/runs/types';
import { SecretBox } from '../../../src/platform/secrets';
import { openTestDatabase, type TestDatabase } from '../../support/database';
import { createTestRepo, type TestRepo } from '../../support/gitRepo';
import { startStateServer, type StateServer } from '../../support/stateServer';
import { runnerDependencies } from '../../support/runs';

const PROVIDER = 'example.com/acme/thing';
const ENTRY = `${PROVIDER}/1.0.0/linux_amd64`;
const BINARY = 'terraform-provider-thing_v1.0.0';

/**
 * The providers a worker installs for its runs, with real OpenTofu and sandbox. The provider
 * comes from a filesystem mirror, as the tests have no registry: a script stands in for its
 * binary, as `tofu init` installs a provider without starting it.
 */
describe('the providers a worker installs once for its runs', () => {
  let database: TestDatabase;
  let stateServer: StateServer;
  let repo: TestRepo;
  let workRoot: string;
  let mirror: string;
  let deps: RunnerDependencies;
  let commit: string;
  let runs = 0;

  const newTask = async (command: string) => {
    const id = `01JPROVIDERS${String(++runs).padStart(14, '0')}`;
    await database.db.insert(schema.runs).values({
      id,
      stackId: 'providers',
      type: RunType.TASK,
      state: RunState.QUEUED,
      branch: 'main',
      commitHash: commit,
      command,
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
    ).map((row) => row.message);

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    stateServer = await startStateServer(database.db);
    workRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-work-'));
    mirror = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-mirror-'));
    await fs.chmod(mirror, 0o755);
    await fs.mkdir(path.join(mirror, ENTRY), { recursive: true });
    await fs.writeFile(path.join(mirror, ENTRY, BINARY), '#!/bin/sh\necho thing\n', {
      mode: 0o755,
    });
    for (const dir of ['example.com', 'example.com/acme', PROVIDER, `${PROVIDER}/1.0.0`, ENTRY]) {
      await fs.chmod(path.join(mirror, dir), 0o755);
    }
    repo = await createTestRepo();
    commit = await repo.commit(
      {
        'infra/main.tf': `terraform {\n  required_providers {\n    thing = {\n      source  = "${PROVIDER}"\n      version = "1.0.0"\n    }\n  }\n}\n`,
      },
      'Require a provider',
    );
    await database.db.insert(schema.stacks).values({
      id: 'providers',
      name: 'providers',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
      projectRoot: 'infra',
    });
    const base = await runnerDependencies({
      db: database.db,
      box: new SecretBox(randomBytes(32)),
      apiUrl: stateServer.url,
      workRoot,
    });
    const providerMirror = new ProviderMirrorConfig(
      { kind: 'filesystem', path: mirror },
      { workRoot, sandboxed: base.sandbox.enabled },
    );
    deps = {
      ...base,
      providerMirror,
      providers: new ProviderCache({
        dir: path.join(workRoot, 'providers'),
        sandbox: base.sandbox,
        tofuPath: base.tofuPath,
        providerMirror,
        maxVersions: 4,
        logger: base.logger,
      }),
    };
  });

  afterAll(async () => {
    await stateServer?.close();
    await database?.close();
    await repo?.remove();
    await fs.rm(workRoot, { recursive: true, force: true });
    await fs.rm(mirror, { recursive: true, force: true });
  });

  it('installs a version the first run chose into the worker cache, which the next runs use and cannot change', async () => {
    const ownEntry = `/workspace/plugin-cache/${ENTRY}`;
    const first = await newTask(`readlink ${ownEntry}`);
    await initializePhase(deps, first);
    await performPhase(deps, first);
    // The first run installed it for itself, from the mirror.
    expect(await logs(first, RunState.PERFORMING)).toContain(`/gantry/providers/${ENTRY}`);

    await deps.providers.settled();
    const cached = path.join(workRoot, 'providers', ENTRY);
    expect(await fs.readdir(path.dirname(cached))).toEqual(['linux_amd64']);

    const second = await newTask(
      [
        `readlink ${ownEntry}`,
        'touch /gantry/provider-cache/planted 2>/dev/null || echo no-planting',
        `rm -rf /gantry/provider-cache/${ENTRY} 2>/dev/null || echo no-removing`,
        `echo evil 2>/dev/null > ${ownEntry}/${BINARY} || echo no-rewriting`,
        `cat ${ownEntry}/${BINARY}`,
      ].join('; '),
    );
    await initializePhase(deps, second);
    await performPhase(deps, second);
    const lines = await logs(second, RunState.PERFORMING);
    // The second run's own plugin cache links to the worker's, which it only reads.
    expect(lines).toEqual(
      expect.arrayContaining([
        `/gantry/provider-cache/${ENTRY}`,
        'no-planting',
        'no-removing',
        'no-rewriting',
        'echo thing',
      ]),
    );
    expect(lines).not.toContain('evil');
    expect(await fs.readdir(path.join(workRoot, 'providers'))).toEqual(['example.com']);
    // Installed from a mirror, the worker's entry leads to the mirror, as the sandbox holds it.
    expect(await fs.readlink(cached)).toBe(`/gantry/providers/${ENTRY}`);
    expect(await fs.readFile(path.join(mirror, ENTRY, BINARY), 'utf8')).toBe(
      '#!/bin/sh\necho thing\n',
    );
  });
});
