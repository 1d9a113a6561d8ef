import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { freePort } from '../support/ports';
import { runGantry, userEnv, waitForReady } from '../support/processes';

/**
 * Spacelift's Terraform provider, unmodified, inside Gantry's runs: an administrative stack
 * whose code uses it manages Gantry with the run's token, the provider coming from the
 * operator's filesystem mirror (GANTRY_PROVIDER_MIRROR) as on a Gantry without the internet.
 *
 * The provider comes from GANTRY_SPACELIFT_PROVIDER (its binary), or is built by the script
 * GANTRY_SPACELIFT_PROVIDER_SRC names (it builds the provider and prints its path, such as the
 * clients' build.sh).
 */
function providerBinary(): string {
  if (process.env.GANTRY_SPACELIFT_PROVIDER) return process.env.GANTRY_SPACELIFT_PROVIDER;
  if (process.env.GANTRY_SPACELIFT_PROVIDER_SRC) {
    return execFileSync('bash', [process.env.GANTRY_SPACELIFT_PROVIDER_SRC, 'provider'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 20 * 60_000,
    }).trim();
  }
  throw new Error(
    "the provider suite needs Spacelift's Terraform provider: set GANTRY_SPACELIFT_PROVIDER to its binary, or GANTRY_SPACELIFT_PROVIDER_SRC to a script that builds it and prints its path",
  );
}

// A build from source carries no release number; the mirror files it under this one, which
// the stack's code does not constrain (OpenTofu skips 0.0.0 as a version left unspecified).
const PROVIDER_VERSION = '1.0.0';

/** OpenTofu's unpacked filesystem mirror layout, holding the one provider, readable by runs. */
async function providerMirror(binary: string): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-providers-'));
  const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const parts = ['registry.opentofu.org', 'spacelift-io', 'spacelift', PROVIDER_VERSION, platform];
  let dir = root;
  await fs.chmod(dir, 0o755);
  for (const part of parts) {
    dir = path.join(dir, part);
    await fs.mkdir(dir, { mode: 0o755 });
  }
  const target = path.join(dir, `terraform-provider-spacelift_v${PROVIDER_VERSION}`);
  await fs.copyFile(binary, target);
  await fs.chmod(target, 0o755);
  return root;
}

const CODE = `terraform {
  required_providers {
    spacelift = {
      source = "spacelift-io/spacelift"
    }
  }
}

provider "spacelift" {}

data "spacelift_current_stack" "this" {}

resource "spacelift_context" "x" {
  name        = "made-by-admin"
  description = "managed by \${data.spacelift_current_stack.this.id}"
}
`;

interface RunView {
  state: string;
  delta: { addCount: number; changeCount: number; deleteCount: number } | null;
}

describe("Spacelift's Terraform provider inside Gantry's runs, from a provider mirror", () => {
  let dataDir: string;
  let mirror: string;
  let repo: TestRepo;
  let api: string;
  let stop: () => void;

  const graphql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const token = (await fs.readFile(path.join(dataDir, 'data', 'admin-token'), 'utf8')).trim();
    const response = await fetch(`${api}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const answer = (await response.json()) as { data: T; errors?: unknown[] };
    expect(answer.errors).toBeUndefined();
    return answer.data;
  };

  const createStack = async (name: string, administrative: boolean) =>
    (
      await graphql<{ stackCreate: { id: string } }>(
        `
          mutation ($input: StackInput!) {
            stackCreate(input: $input, manageState: true) {
              id
            }
          }
        `,
        {
          input: {
            name,
            repository: repo.url,
            branch: 'main',
            provider: 'RAW_GIT',
            administrative,
          },
        },
      )
    ).stackCreate.id;

  const trigger = async (stack: string) =>
    (
      await graphql<{ runTrigger: { id: string } }>(
        `
          mutation ($stack: ID!) {
            runTrigger(stack: $stack) {
              id
            }
          }
        `,
        { stack },
      )
    ).runTrigger.id;

  /** Waits for the run to reach one of `states`, and answers it as it is then. */
  const waitFor = async (stack: string, run: string, states: string[]): Promise<RunView> => {
    const deadline = Date.now() + 4 * 60_000;
    for (;;) {
      const { stack: found } = await graphql<{ stack: { run: RunView } }>(
        `
          query ($stack: ID!, $run: ID!) {
            stack(id: $stack) {
              run(id: $run) {
                state
                delta {
                  addCount
                  changeCount
                  deleteCount
                }
              }
            }
          }
        `,
        { stack, run },
      );
      if (states.includes(found.run.state)) return found.run;
      if (Date.now() > deadline) throw new Error(`run ${run} is ${found.run.state}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };

  const logs = async (stack: string, run: string, state: string) => {
    const { stack: found } = await graphql<{
      stack: { run: { logs: { messages: Array<{ message: string }> } } };
    }>(
      `
        query ($stack: ID!, $run: ID!, $state: RunState!) {
          stack(id: $stack) {
            run(id: $run) {
              logs(state: $state) {
                messages {
                  message
                }
              }
            }
          }
        }
      `,
      { stack, run, state },
    );
    return found.run.logs.messages.map((line) => line.message).join('');
  };

  const contexts = async () =>
    (
      await graphql<{ contexts: Array<{ id: string; description: string | null }> }>(
        '{ contexts { id description } }',
      )
    ).contexts;

  beforeAll(async () => {
    mirror = await providerMirror(providerBinary());
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-compat-provider-'));
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': CODE }, 'Manage a context with the provider');
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const gantry = runGantry(
      ['all'],
      userEnv({
        PORT: String(port),
        GANTRY_PUBLIC_URL: api,
        GANTRY_DATA_DIR: path.join(dataDir, 'data'),
        GANTRY_TEMPORAL_PORT: String(await freePort()),
        GANTRY_TEMPORAL_UI_PORT: String(await freePort()),
        GANTRY_ALLOW_FILE_REPOSITORIES: 'true',
        GANTRY_PROVIDER_MIRROR: mirror,
      }),
    );
    stop = () => gantry.child.kill('SIGINT');
    await waitForReady(`${api}/readyz`, gantry.exit);
  }, 30 * 60_000);

  afterAll(async () => {
    stop?.();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await repo?.remove();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    if (mirror) await fs.rm(mirror, { recursive: true, force: true });
  });

  it('creates a context from an administrative stack once its run is confirmed, and plans no changes after', async () => {
    const stack = await createStack('Gantry admin', true);
    const first = await trigger(stack);
    const planned = await waitFor(stack, first, ['UNCONFIRMED', 'FAILED']);
    const initializing = await logs(stack, first, 'INITIALIZING');
    expect(initializing).toContain(`Installing spacelift-io/spacelift v${PROVIDER_VERSION}...`);
    expect(planned).toMatchObject({ state: 'UNCONFIRMED', delta: { addCount: 1 } });
    expect((await contexts()).map((context) => context.id)).not.toContain('made-by-admin');

    await graphql(
      `
        mutation ($stack: ID!, $run: ID!) {
          runConfirm(stack: $stack, run: $run) {
            id
          }
        }
      `,
      {
        stack,
        run: first,
      },
    );
    expect(await waitFor(stack, first, ['FINISHED', 'FAILED'])).toMatchObject({
      state: 'FINISHED',
    });
    // spacelift_current_stack named the stack from the run's token.
    expect(await contexts()).toContainEqual({
      id: 'made-by-admin',
      description: `managed by ${stack}`,
    });

    const second = await trigger(stack);
    expect(await waitFor(stack, second, ['FINISHED', 'UNCONFIRMED', 'FAILED'])).toMatchObject({
      state: 'FINISHED',
      delta: { addCount: 0, changeCount: 0, deleteCount: 0 },
    });
    expect(await logs(stack, second, 'PLANNING')).toContain('No changes.');
  });

  it('fails on a stack that is not administrative, whose runs get no token', async () => {
    const stack = await createStack('Not an admin', false);
    const run = await trigger(stack);
    expect(await waitFor(stack, run, ['UNCONFIRMED', 'FINISHED', 'FAILED'])).toMatchObject({
      state: 'FAILED',
    });
    expect(await logs(stack, run, 'PLANNING')).toContain(
      'either the API key must be set or the following settings must be provided',
    );
  });
});
