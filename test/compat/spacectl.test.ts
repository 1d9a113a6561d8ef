import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { clientBinary } from '../support/clients';
import { startCompatGantry, type CompatGantry } from '../support/compatGantry';
import { createTestRepo, type TestRepo } from '../support/gitRepo';

/**
 * Spacelift's own CLI, unmodified, against a Gantry started as a user starts it (`gantry all`):
 * each command as a person runs it, checked by what it printed and what Gantry then holds.
 * spacectl is found as test/support/clients.ts says.
 */

interface Result {
  code: number | null;
  output: string;
}

const CODE = `resource "terraform_data" "marker" {
  input = "one"
}

output "marker" {
  value = terraform_data.marker.output
}
`;

describe("Spacelift's spacectl, unmodified, against Gantry", () => {
  let spacectl: string;
  let gantry: CompatGantry;
  let dataDir: string;
  let repo: TestRepo;
  let credentials: Record<string, string>;

  /** Runs spacectl with the API key, as a person would. */
  const run = (...args: string[]): Promise<Result> =>
    new Promise((resolve) => {
      const child = spawn(spacectl, args, {
        env: { PATH: process.env.PATH, HOME: dataDir, ...credentials },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => resolve({ code, output }));
    });

  const graphql = <T>(query: string, variables: Record<string, unknown> = {}) =>
    gantry.graphql<T>(query, variables);

  beforeAll(async () => {
    spacectl = clientBinary('spacectl');
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': CODE }, 'Add the marker');
    gantry = await startCompatGantry();
    ({ dataDir } = gantry);
    credentials = await gantry.apiKeyEnv('spacectl');
    await gantry.createStack('Compat demo', repo.url);
  }, 30 * 60_000);

  afterAll(async () => {
    await gantry?.stop();
    await repo?.remove();
  });

  it('knows who it is and which Spacelift it talks to', async () => {
    const whoami = await run('whoami');
    expect(whoami).toMatchObject({ code: 0 });
    expect(whoami.output).toContain(`"id": "api-key/${credentials.SPACELIFT_API_KEY_ID}"`);
    expect(whoami.output).not.toContain('Unable to determine Spacelift instance type');
  });

  it('lists, searches and shows stacks', async () => {
    const list = await run('stack', 'list');
    expect(list.code).toBe(0);
    expect(list.output).toMatch(/Compat demo\s+\|\s+compat-demo/);
    const json = await run('stack', 'list', '--output', 'json');
    expect(JSON.parse(json.output)).toMatchObject([{ id: 'compat-demo', name: 'Compat demo' }]);
    const none = await run('stack', 'list', '--search', 'nothing-like-it');
    expect(none.output).not.toContain('compat-demo');
    const show = await run('stack', 'show', '--id', 'compat-demo');
    expect(show.code).toBe(0);
    expect(show.output).toContain(repo.url);
  });

  it('deploys with --auto-confirm, following the run to FINISHED, then reads what it made', async () => {
    const deploy = await run('stack', 'deploy', '--id', 'compat-demo', '--tail', '--auto-confirm');
    expect(deploy.code).toBe(0);
    expect(deploy.output).toContain('Apply complete! Resources: 1 added');
    expect(deploy.output).toMatch(/FINISHED\t/);

    const outputs = await run('stack', 'outputs', '--id', 'compat-demo');
    expect(outputs.output).toMatch(/marker\s+\|\s+false\s+\|\s+"one"/);
    const resources = await run('stack', 'resources', 'list', '--id', 'compat-demo');
    expect(resources.output).toContain('terraform_data.marker');
    const state = await run('stack', 'state', 'pull', '--id', 'compat-demo');
    expect(JSON.parse(state.output)).toMatchObject({ outputs: { marker: { value: 'one' } } });
    const logs = await run('stack', 'logs', '--id', 'compat-demo', '--run-latest');
    expect(logs.output).toContain('$ tofu apply');
    const runs = await run('stack', 'run', 'list', '--id', 'compat-demo', '--output', 'json');
    const [latest] = JSON.parse(runs.output) as Array<{ id: string; state: string }>;
    expect(latest).toMatchObject({ state: 'FINISHED', isMostRecent: true });
    const changes = await run('stack', 'changes', '--id', 'compat-demo', '--run', latest!.id);
    expect(changes.output).toContain('terraform_data.marker');
  });

  it('previews, runs tasks (also without init), and stops one that is still running', async () => {
    const preview = await run('stack', 'preview', '--id', 'compat-demo', '--tail');
    expect(preview).toMatchObject({ code: 0 });
    expect(preview.output).toContain('no changes');
    const task = await run(
      'stack',
      'task',
      '--id',
      'compat-demo',
      '--tail',
      'echo hello-from-task',
    );
    expect(task.code).toBe(0);
    expect(task.output).toContain('hello-from-task');
    const bare = await run('stack', 'task', '--id', 'compat-demo', '--noinit', '--tail', 'ls -a');
    expect(bare.code).toBe(0);
    expect(bare.output).not.toContain('.terraform\n');

    const started = await run('stack', 'task', '--id', 'compat-demo', 'sleep 120');
    const taskId = /run\/([0-9A-Z]+)/.exec(started.output)![1]!;
    for (let tries = 0; tries < 300; tries += 1) {
      const task = await graphql<{ stack: { run: { state: string } } }>(
        `
          query ($id: ID!) {
            stack(id: "compat-demo") {
              run(id: $id) {
                state
              }
            }
          }
        `,
        { id: taskId },
      );
      if (task.data.stack.run.state === 'PERFORMING') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stopped = await run('stack', 'stop', '--id', 'compat-demo', '--run', taskId, '--tail');
    // spacectl counts only FINISHED as success: a stopped run ends its --tail with 1.
    expect(stopped.output).toContain('stopped by');
    expect(stopped.output).toContain('finished with STOPPED state');
  });

  it('locks with a note, tracks a commit, disables and enables, and sets the environment', async () => {
    expect((await run('stack', 'lock', '--id', 'compat-demo', '--note', 'migrating')).code).toBe(0);
    const locked = await graphql<{ stack: { lockedBy: string; lockNote: string } }>(`
      {
        stack(id: "compat-demo") {
          lockedBy
          lockNote
        }
      }
    `);
    expect(locked.data.stack.lockNote).toBe('migrating');
    expect((await run('stack', 'unlock', '--id', 'compat-demo')).code).toBe(0);

    const sha = (await repo.commit({ 'note.txt': 'x' }, 'Touch a note')).trim();
    const set = await run('stack', 'set-current-commit', '--id', 'compat-demo', '--sha', sha);
    expect(set.output).toContain(`Current commit set to "Touch a note"`);
    expect((await run('stack', 'sync-commit', '--id', 'compat-demo')).code).toBe(0);

    expect((await run('stack', 'disable', '--id', 'compat-demo')).code).toBe(0);
    const refused = await run('stack', 'deploy', '--id', 'compat-demo');
    expect(refused.output).toContain('is disabled and starts no runs');
    expect((await run('stack', 'enable', '--id', 'compat-demo')).code).toBe(0);

    const setvar = await run(
      'stack',
      'environment',
      'setvar',
      '--id',
      'compat-demo',
      'REGION',
      'eu-west-1',
    );
    expect(setvar.code).toBe(0);
    const env = await run('stack', 'environment', 'list', '--id', 'compat-demo');
    expect(env.output).toContain('eu-west-1');
    expect(
      (await run('stack', 'environment', 'delete', '--id', 'compat-demo', 'REGION')).code,
    ).toBe(0);
  });

  it('confirms, discards, retries, reviews and prioritizes runs that wait for a decision', async () => {
    /** Pushes a change, starts a tracked run of it and waits until it waits for a decision. */
    const unconfirmedRun = async (marker: string) => {
      await repo.commit({ 'main.tf': CODE.replace('"one"', `"${marker}"`) }, `Marker ${marker}`);
      expect((await run('stack', 'sync-commit', '--id', 'compat-demo')).code).toBe(0);
      const deploy = await run('stack', 'deploy', '--id', 'compat-demo');
      const runId = /run\/([0-9A-Z]+)/.exec(deploy.output)![1]!;
      await stateOf(runId, 'UNCONFIRMED');
      return runId;
    };
    const stateOf = async (runId: string, wanted: string) => {
      for (let tries = 0; tries < 600; tries += 1) {
        const answer = await graphql<{ stack: { run: { state: string } } }>(
          `
            query ($id: ID!) {
              stack(id: "compat-demo") {
                run(id: $id) {
                  state
                }
              }
            }
          `,
          { id: runId },
        );
        if (answer.data.stack.run.state === wanted) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`run ${runId} did not reach ${wanted}`);
    };

    const first = await unconfirmedRun('two');
    // A second deploy waits for the stack's lock while the first waits for its decision.
    const queued = await run('stack', 'deploy', '--id', 'compat-demo');
    const queuedId = /run\/([0-9A-Z]+)/.exec(queued.output)![1]!;
    expect((await run('stack', 'cancel', '--id', 'compat-demo', '--run', queuedId)).code).toBe(0);
    await stateOf(queuedId, 'CANCELED');
    expect(
      (await run('stack', 'approve', '--id', 'compat-demo', '--run', first, '--note', 'ok')).code,
    ).toBe(0);
    expect((await run('stack', 'prioritize', '--id', 'compat-demo', '--run', first)).code).toBe(0);
    const confirmed = await run(
      'stack',
      'confirm',
      '--id',
      'compat-demo',
      '--run',
      first,
      '--tail',
    );
    expect(confirmed.code).toBe(0);
    expect(confirmed.output).toContain('Apply complete!');

    const second = await unconfirmedRun('three');
    expect((await run('stack', 'reject', '--id', 'compat-demo', '--run', second)).code).toBe(0);
    expect((await run('stack', 'discard', '--id', 'compat-demo', '--run', second)).code).toBe(0);
    await stateOf(second, 'DISCARDED');
    const retried = await run('stack', 'retry', '--id', 'compat-demo', '--run', second);
    expect(retried.code).toBe(0);
    const retryId = /run\/([0-9A-Z]+)/.exec(retried.output)![1]!;
    await stateOf(retryId, 'UNCONFIRMED');
    expect((await run('stack', 'discard', '--id', 'compat-demo', '--run', retryId)).code).toBe(0);

    const reviews = await graphql<{ stack: { run: { reviews: Array<{ decision: string }> } } }>(
      `
        query ($id: ID!) {
          stack(id: "compat-demo") {
            run(id: $id) {
              reviews {
                decision
              }
            }
          }
        }
      `,
      { id: first },
    );
    expect(reviews.data.stack.run.reviews).toEqual([{ decision: 'APPROVE' }]);
  });

  it('lists policies and worker pools, and ends commands for what Gantry lacks with a sentence', async () => {
    expect((await run('policy', 'list')).code).toBe(0);
    await graphql(`
      mutation {
        policyCreate(
          name: "Ops reads"
          body: "package spacelift\\n\\nread if \\"ops\\" in input.session.teams\\n"
          type: ACCESS
        ) {
          id
        }
      }
    `);
    const policy = await run('policy', 'show', '--id', 'ops-reads');
    expect(policy.code).toBe(0);
    expect(policy.output).toContain('read if');
    await graphql(`
      mutation {
        workerPoolCreate(name: "Edge workers", certificateSigningRequest: "") {
          id
        }
      }
    `);
    const pools = await run('workerpool', 'list');
    expect(pools.code).toBe(0);
    expect(pools.output).toContain('Edge workers');
    const modules = await run('module', 'list');
    expect(modules.output).toContain('Gantry has no module registry');
  });

  it('follows a run live from QUEUED, reads one phase, deploys a chosen commit, logs in with a token and mounts a file', async () => {
    const key = credentials;
    const login = await graphql<{ apiKeyUser: { jwt: string } }>(
      `
        mutation ($id: ID!, $secret: String!) {
          apiKeyUser(id: $id, secret: $secret) {
            jwt
          }
        }
      `,
      { id: key.SPACELIFT_API_KEY_ID, secret: key.SPACELIFT_API_KEY_SECRET },
    );
    credentials = { SPACELIFT_API_TOKEN: login.data.apiKeyUser.jwt };
    try {
      const whoami = await run('whoami');
      expect(whoami.code).toBe(0);
      expect(whoami.output).toContain(`"id": "api-key/${key.SPACELIFT_API_KEY_ID}"`);
    } finally {
      credentials = key;
    }

    const mounted = path.join(dataDir, 'settings.json');
    await fs.writeFile(mounted, '{"tier":"gold"}\n');
    const mount = await run(
      'stack',
      'environment',
      'mount',
      '--id',
      'compat-demo',
      'settings.json',
      mounted,
    );
    expect(mount.code).toBe(0);
    const env = await run('stack', 'environment', 'list', '--id', 'compat-demo');
    expect(env.output).toContain('settings.json');
    expect(env.output).toContain('{"tier":"gold"}');

    // Started without --tail, then followed: every state from QUEUED, and output as it comes.
    const started = await run(
      'stack',
      'task',
      '--id',
      'compat-demo',
      'echo early; sleep 3; cat settings.json; echo late',
    );
    expect(started.code).toBe(0);
    const taskId = /run\/([0-9A-Z]+)/.exec(started.output)![1]!;
    const followed = await run('stack', 'logs', '--id', 'compat-demo', '--run', taskId, '--tail');
    expect(followed.code).toBe(0);
    for (const expected of [
      'QUEUED',
      'INITIALIZING',
      'PERFORMING',
      'early',
      '{"tier":"gold"}',
      'late',
      'FINISHED',
    ]) {
      expect(followed.output).toContain(expected);
    }
    expect(
      (await run('stack', 'environment', 'delete', '--id', 'compat-demo', 'settings.json')).code,
    ).toBe(0);

    // A commit older than the one the stack tracks, deployed by its hash.
    const chosen = (
      await repo.commit({ 'main.tf': CODE.replace('"one"', '"chosen"') }, 'Choose a marker')
    ).trim();
    await repo.commit({ 'main.tf': CODE.replace('"one"', '"newer"') }, 'A newer marker');
    expect((await run('stack', 'sync-commit', '--id', 'compat-demo')).code).toBe(0);
    const deploy = await run('stack', 'deploy', '--id', 'compat-demo', '--sha', chosen);
    expect(deploy.code).toBe(0);
    expect(deploy.output).toContain('You have successfully created a deployment');
    const runId = /run\/([0-9A-Z]+)/.exec(deploy.output)![1]!;
    let state = '';
    for (let tries = 0; tries < 600 && state !== 'UNCONFIRMED'; tries += 1) {
      const answer = await graphql<{ stack: { run: { state: string; commit: { hash: string } } } }>(
        `
          query ($id: ID!) {
            stack(id: "compat-demo") {
              run(id: $id) {
                state
                commit {
                  hash
                }
              }
            }
          }
        `,
        { id: runId },
      );
      state = answer.data.stack.run.state;
      expect(answer.data.stack.run.commit.hash).toBe(chosen);
      if (state !== 'UNCONFIRMED') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(state).toBe('UNCONFIRMED');
    const planning = await run(
      'stack',
      'logs',
      '--id',
      'compat-demo',
      '--run',
      runId,
      '--phase',
      'PLANNING',
    );
    expect(planning.code).toBe(0);
    expect(planning.output).toContain('$ tofu plan');
    expect(planning.output).toContain('"chosen"');
    expect(planning.output).not.toContain('$ tofu init');
    expect((await run('stack', 'discard', '--id', 'compat-demo', '--run', runId)).code).toBe(0);
  });

  it('deletes a stack with its resources once a run destroyed them, also one that has none', async () => {
    const create = (name: string) => gantry.createStack(name, repo.url);
    const stackNow = async (id: string) =>
      (
        await graphql<{ stack: { deleting: boolean } | null }>(
          `
            query ($id: ID!) {
              stack(id: $id) {
                deleting
              }
            }
          `,
          { id },
        )
      ).data.stack;
    const gone = async (id: string) => {
      for (let tries = 0; tries < 1200 && (await stackNow(id)); tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return (await stackNow(id)) === null;
    };

    // Nothing to destroy: its destroy run ends at its plan, and the stack goes with it.
    await create('Throwaway');
    const empty = await run(
      'stack',
      'delete',
      '--id',
      'throwaway',
      '--destroy-resources',
      '--skip-confirmation',
    );
    expect(empty.code).toBe(0);
    expect(empty.output).toContain('Stack has been successfully deleted');
    expect(await gone('throwaway')).toBe(true);

    await create('Doomed');
    const deploy = await run('stack', 'deploy', '--id', 'doomed', '--tail', '--auto-confirm');
    expect(deploy.output).toContain('Apply complete! Resources: 1 added');
    const destroying = await run(
      'stack',
      'delete',
      '--id',
      'doomed',
      '--destroy-resources',
      '--skip-confirmation',
    );
    expect(destroying.code).toBe(0);
    expect(destroying.output).toContain('Resources managed by this stack will also be destroyed.');
    expect(destroying.output).toContain('Stack has been successfully deleted');
    // Still there, being deleted, while its destroy run works; gone once it finished.
    const during = await stackNow('doomed');
    if (during) {
      expect(during.deleting).toBe(true);
      const refused = await run('stack', 'deploy', '--id', 'doomed');
      expect(refused.output).toMatch(/is being deleted with its resources|does not exist/);
    }
    expect(await gone('doomed')).toBe(true);
  });

  it('replans a run waiting for confirmation, limited to one resource, following it with --tail', async () => {
    await repo.commit(
      {
        'main.tf': `${CODE.replace('"one"', '"four"')}
resource "terraform_data" "extra" {
  input = "extra"
}
`,
      },
      'Marker four and an extra',
    );
    expect((await run('stack', 'sync-commit', '--id', 'compat-demo')).code).toBe(0);
    const deploy = await run('stack', 'deploy', '--id', 'compat-demo');
    const runId = /run\/([0-9A-Z]+)/.exec(deploy.output)![1]!;
    const runNow = async () =>
      (
        await graphql<{
          stack: {
            run: {
              state: string;
              delta: { addResources: string[]; changeResources: string[] };
              history: Array<{ state: string; stateVersion: number; hasLogs: boolean }>;
              changesV3: Array<{ resources: Array<{ address: string }> }>;
              first: { messages: Array<{ message: string }>; finished: boolean };
              second: { messages: Array<{ message: string }>; finished: boolean };
            };
          };
        }>(
          `
            query ($id: ID!) {
              stack(id: "compat-demo") {
                run(id: $id) {
                  state
                  delta {
                    addResources
                    changeResources
                  }
                  history {
                    state
                    stateVersion
                    hasLogs
                  }
                  changesV3(input: {}) {
                    resources {
                      address
                    }
                  }
                  first: logs(state: PLANNING, stateVersion: 0) {
                    messages {
                      message
                    }
                    finished
                  }
                  second: logs(state: PLANNING, stateVersion: 1) {
                    messages {
                      message
                    }
                    finished
                  }
                }
              }
            }
          `,
          { id: runId },
        )
      ).data.stack.run;
    const waitFor = async (done: (current: Awaited<ReturnType<typeof runNow>>) => boolean) => {
      for (let tries = 0; tries < 1200; tries += 1) {
        const current = await runNow();
        if (done(current)) return current;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`run ${runId} did not get there in time`);
    };
    await waitFor((current) => current.state === 'UNCONFIRMED');

    const empty = await run('stack', 'replan', '--id', 'compat-demo', '--run', runId);
    expect(empty.code).not.toBe(0);
    expect(empty.output).toContain('no resources targeted for replanning');

    const replanning = run(
      'stack',
      'replan',
      '--id',
      'compat-demo',
      '--run',
      runId,
      '--resources',
      'terraform_data.extra',
      '--tail',
    );
    const replanned = await waitFor(
      (current) =>
        current.state === 'UNCONFIRMED' &&
        current.history.filter((transition) => transition.state === 'PLANNING').length === 2,
    );
    // Newest first: the second visit to PLANNING and to UNCONFIRMED are version 1.
    expect(replanned.history.slice(0, 2)).toEqual([
      { state: 'UNCONFIRMED', stateVersion: 1, hasLogs: false },
      { state: 'PLANNING', stateVersion: 1, hasLogs: true },
    ]);
    expect(replanned.delta).toEqual({
      addResources: ['terraform_data.extra'],
      changeResources: [],
    });
    expect(replanned.changesV3).toEqual([{ resources: [{ address: 'terraform_data.extra' }] }]);
    const text = (logs: { messages: Array<{ message: string }> }) =>
      logs.messages.map((line) => line.message).join('');
    expect(replanned.first.finished).toBe(true);
    expect(text(replanned.first)).toContain('Plan: 1 to add, 1 to change, 0 to destroy');
    expect(text(replanned.second)).toContain('Planning again, limited to terraform_data.extra');
    expect(text(replanned.second)).toContain('Plan: 1 to add, 0 to change, 0 to destroy');

    expect((await run('stack', 'confirm', '--id', 'compat-demo', '--run', runId)).code).toBe(0);
    const tail = await replanning;
    expect(tail.code).toBe(0);
    expect(tail.output).toContain(`Run ID "${runId}" is being replanned`);
    expect(tail.output).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed');
    expect(tail.output).toMatch(/FINISHED\t/);
    const resources = await run('stack', 'resources', 'list', '--id', 'compat-demo');
    expect(resources.output).toContain('terraform_data.extra');
    const outputs = await run('stack', 'outputs', '--id', 'compat-demo');
    expect(outputs.output).not.toContain('"four"');

    const refused = await run(
      'stack',
      'replan',
      '--id',
      'compat-demo',
      '--run',
      runId,
      '--resources',
      'terraform_data.marker',
    );
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('only an UNCONFIRMED run can be replanned');
  });

  it("deploys with --runtime-config, its before_plan hook seeing the file's environment in the logs", async () => {
    const config = path.join(dataDir, 'runtime.yml');
    await fs.writeFile(
      config,
      [
        'before_plan:',
        '  - echo "hook says $GREETING"',
        'environment:',
        '  GREETING: hello-from-the-runtime-config',
        '',
      ].join('\n'),
    );
    const deploy = await run(
      'stack',
      'deploy',
      '--id',
      'compat-demo',
      '--runtime-config',
      config,
      '--tail',
      '--auto-confirm',
    );
    expect(deploy.code).toBe(0);
    const runId = /run\/([0-9A-Z]+)/.exec(deploy.output)![1]!;
    const logs = await run('stack', 'logs', '--id', 'compat-demo', '--run', runId);
    expect(logs.code).toBe(0);
    expect(logs.output).toContain('$ echo "hook says $GREETING"');
    expect(logs.output).toContain('hook says hello-from-the-runtime-config');
  });
});
