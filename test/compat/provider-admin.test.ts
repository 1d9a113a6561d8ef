import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { clientBinary } from '../support/clients';
import { startCompatGantry, type CompatGantry } from '../support/compatGantry';
import { createTestRepo, type TestRepo } from '../support/gitRepo';

/**
 * Spacelift's Terraform provider, unmodified, inside Gantry's runs: an administrative stack
 * whose code uses it manages Gantry with the run's token, within its own space, the provider
 * coming from the operator's filesystem mirror (GANTRY_PROVIDER_MIRROR) as on a Gantry without
 * the internet. A stack that is not administrative runs the same code and is refused.
 */

// A build from source carries no release number; the mirror files it under this one, which
// the stack's code does not constrain (OpenTofu skips 0.0.0 as a version left unspecified).
const PROVIDER_VERSION = '1.0.0';

/** The space both stacks live in, and the administrative one manages. */
const SPACE = 'platform';

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

const code = (managedRepository: string) => `terraform {
  required_providers {
    spacelift = {
      source = "spacelift-io/spacelift"
    }
  }
}

provider "spacelift" {}

data "spacelift_current_stack" "this" {}

resource "spacelift_stack" "managed" {
  name        = "managed-by-admin"
  branch      = "main"
  repository  = "managed"
  description = "managed by \${data.spacelift_current_stack.this.id}"
  space_id    = "${SPACE}"
  raw_git {
    namespace = "local"
    url       = "${managedRepository}"
  }
}

resource "spacelift_context" "x" {
  name        = "made-by-admin"
  description = "managed by \${data.spacelift_current_stack.this.id}"
  space_id    = "${SPACE}"
}
`;

interface RunView {
  state: string;
  delta: { addCount: number; changeCount: number; deleteCount: number } | null;
}

describe("Spacelift's Terraform provider inside Gantry's runs, from a provider mirror", () => {
  let gantry: CompatGantry;
  let mirror: string;
  let repo: TestRepo;

  const graphql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const answer = await gantry.graphql<T>(query, variables);
    expect(answer.errors).toBeUndefined();
    return answer.data;
  };

  const createStack = (name: string, administrative: boolean) =>
    gantry.createStack(name, repo.url, { administrative, space: SPACE });

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

  const confirm = (stack: string, run: string) =>
    graphql(
      `
        mutation ($stack: ID!, $run: ID!) {
          runConfirm(stack: $stack, run: $run) {
            id
          }
        }
      `,
      { stack, run },
    );

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

  const managed = async () =>
    graphql<{
      contexts: Array<{ id: string; description: string | null; space: string }>;
      stacks: Array<{ id: string; description: string | null; space: string }>;
    }>('{ contexts { id description space } stacks { id description space } }');

  beforeAll(async () => {
    mirror = await providerMirror(clientBinary('provider'));
    repo = await createTestRepo();
    await repo.commit(
      { 'main.tf': code(repo.url) },
      'Manage a stack and a context with the provider',
    );
    gantry = await startCompatGantry({ GANTRY_PROVIDER_MIRROR: mirror });
    await graphql(
      `
        mutation ($input: SpaceInput!) {
          spaceCreate(input: $input) {
            id
          }
        }
      `,
      { input: { name: SPACE, parentSpace: 'root', inheritEntities: false } },
    );
  }, 30 * 60_000);

  afterAll(async () => {
    await gantry?.stop();
    await repo?.remove();
    if (mirror) await fs.rm(mirror, { recursive: true, force: true });
  });

  it('creates a stack and a context in its space from an administrative stack once its run is confirmed, and plans no changes after', async () => {
    const stack = await createStack('Gantry admin', true);
    const first = await trigger(stack);
    const planned = await waitFor(stack, first, ['UNCONFIRMED', 'FAILED']);
    const initializing = await logs(stack, first, 'INITIALIZING');
    // Installed from the mirror, into the run's view of the worker's provider cache.
    expect(initializing).toContain(`Installing spacelift-io/spacelift v${PROVIDER_VERSION}`);
    expect(planned).toMatchObject({ state: 'UNCONFIRMED', delta: { addCount: 2 } });
    expect((await managed()).contexts.map((context) => context.id)).not.toContain('made-by-admin');

    await confirm(stack, first);
    expect(await waitFor(stack, first, ['FINISHED', 'FAILED'])).toMatchObject({
      state: 'FINISHED',
    });
    // spacelift_current_stack named the stack from the run's token.
    const made = await managed();
    expect(made.contexts).toContainEqual({
      id: 'made-by-admin',
      description: `managed by ${stack}`,
      space: SPACE,
    });
    expect(made.stacks).toContainEqual({
      id: 'managed-by-admin',
      description: `managed by ${stack}`,
      space: SPACE,
    });

    const second = await trigger(stack);
    expect(await waitFor(stack, second, ['FINISHED', 'UNCONFIRMED', 'FAILED'])).toMatchObject({
      state: 'FINISHED',
      delta: { addCount: 0, changeCount: 0, deleteCount: 0 },
    });
    expect(await logs(stack, second, 'PLANNING')).toContain('No changes.');
  });

  it("is refused by Gantry's API on a stack that is not administrative, whose token is no admin", async () => {
    const stack = await createStack('Not an admin', false);
    const run = await trigger(stack);
    expect(await waitFor(stack, run, ['UNCONFIRMED', 'FINISHED', 'FAILED'])).toMatchObject({
      state: 'UNCONFIRMED',
    });
    await confirm(stack, run);
    expect(await waitFor(stack, run, ['FINISHED', 'FAILED'])).toMatchObject({ state: 'FAILED' });
    expect(await logs(stack, run, 'APPLYING')).toContain(
      "only admins may do this, and this run's stack is not administrative",
    );
  });
});
