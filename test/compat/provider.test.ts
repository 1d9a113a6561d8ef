import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '../../src/platform/tools';
import { clientBinary } from '../support/clients';
import { startCompatGantry, type CompatGantry } from '../support/compatGantry';
import { createTestRepo, type TestRepo } from '../support/gitRepo';

const exec = promisify(execFile);

/**
 * Spacelift's Terraform provider, unmodified, managing a Gantry from outside it, as a platform
 * team's own OpenTofu would: one configuration of every resource Gantry serves and the data
 * sources that read them is applied, planned again (no changes), changed (updated in place
 * where the provider allows it), and destroyed (Gantry then holds none of it). The provider is
 * found as test/support/clients.ts says and given to OpenTofu through dev_overrides.
 */
describe("Spacelift's Terraform provider, unmodified, managing Gantry", () => {
  let gantry: CompatGantry;
  let repo: TestRepo;
  let workDir: string;
  let env: NodeJS.ProcessEnv;
  const tofu = requireTool('tofu', process.env);

  const configuration = (suffix: string, priority: number) => `
terraform {
  required_providers {
    spacelift = { source = "spacelift-io/spacelift" }
  }
}

provider "spacelift" {}

resource "spacelift_space" "team" {
  name             = "tf-team"
  parent_space_id  = "root"
  description      = "team ${suffix}"
  inherit_entities = true
  labels           = ["compat"]
}

resource "spacelift_space" "app" {
  name             = "tf-team-app"
  parent_space_id  = spacelift_space.team.id
  description      = "app ${suffix}"
  inherit_entities = true
}

resource "spacelift_stack" "app" {
  name        = "tf-app"
  branch      = "main"
  repository  = "infra-repo"
  description = "app ${suffix}"
  labels      = ["compat"]
  space_id    = spacelift_space.app.id
  autodeploy   = true
  project_root = "infra"
  before_plan  = ["echo planning"]
  after_apply  = ["echo applied"]
  terraform_workflow_tool  = "OPEN_TOFU"
  additional_project_globs = ["modules/*"]
  worker_pool_id           = spacelift_worker_pool.edge.id
  raw_git {
    namespace = "local"
    url       = "${repo.url}"
  }
}

resource "spacelift_worker_pool" "edge" {
  name        = "tf-edge"
  description = "edge ${suffix}"
  labels      = ["compat"]
  space_id    = spacelift_space.team.id
}

resource "spacelift_stack" "admin" {
  name           = "tf-admin"
  branch         = "main"
  repository     = "infra-repo"
  administrative = true
  description    = "admin ${suffix}"
  labels         = ["compat"]
  space_id       = spacelift_space.team.id
  raw_git {
    namespace = "local"
    url       = "${repo.url}"
  }
}

resource "spacelift_stack" "gitlab" {
  name        = "tf-gitlab"
  branch      = "main"
  repository  = "network"
  description = "gitlab ${suffix}"
  gitlab {
    namespace = "platform/infra"
  }
}

resource "spacelift_context" "shared" {
  name        = "tf-shared"
  space_id    = spacelift_space.team.id
  description = "shared ${suffix}"
  labels      = ["compat", "${suffix}"]
  before_init = ["echo ${suffix}"]
}

resource "spacelift_environment_variable" "plain" {
  stack_id   = spacelift_stack.app.id
  name       = "REGION"
  value      = "eu-${suffix}"
  write_only = false
}

resource "spacelift_environment_variable" "secret" {
  context_id = spacelift_context.shared.id
  name       = "TOKEN"
  value      = "s3cr3t-${suffix}"
  write_only = true
}

resource "spacelift_environment_variable" "stack_secret" {
  stack_id   = spacelift_stack.admin.id
  name       = "DEPLOY_KEY"
  value      = "key-${suffix}"
  write_only = true
}

resource "spacelift_environment_variable" "context_plain" {
  context_id = spacelift_context.shared.id
  name       = "TEAM"
  value      = "platform"
  write_only = false
}

resource "spacelift_mounted_file" "stack_file" {
  stack_id      = spacelift_stack.admin.id
  relative_path = "settings.json"
  content       = base64encode("{\\"tier\\":\\"${suffix}\\"}")
  write_only    = false
}

resource "spacelift_mounted_file" "context_file" {
  context_id    = spacelift_context.shared.id
  relative_path = "secret.txt"
  content       = base64encode("secret ${suffix}")
}

resource "spacelift_context_attachment" "app" {
  context_id = spacelift_context.shared.id
  stack_id   = spacelift_stack.app.id
  priority   = 1
}

resource "spacelift_context_attachment" "admin" {
  context_id = spacelift_context.shared.id
  stack_id   = spacelift_stack.admin.id
  priority   = ${priority}
}

resource "spacelift_policy" "access" {
  name   = "tf-access"
  body   = "package spacelift\\n\\nread { input.session.teams[_] == \\"${suffix}\\" }\\n"
  type     = "ACCESS"
  labels   = ["compat"]
  space_id = spacelift_space.team.id
}

resource "spacelift_policy_attachment" "app" {
  policy_id = spacelift_policy.access.id
  stack_id  = spacelift_stack.app.id
}

data "spacelift_stack" "app" {
  stack_id = spacelift_stack.app.id
}

data "spacelift_stacks" "compat" {
  depends_on = [spacelift_stack.app, spacelift_stack.admin]
  labels {
    any_of = ["compat"]
  }
}

data "spacelift_context" "shared" {
  context_id = spacelift_context.shared.id
}

data "spacelift_space" "app" {
  space_id = spacelift_space.app.id
}

data "spacelift_policy" "access" {
  policy_id = spacelift_policy.access.id
}

output "stack_repository" {
  value = data.spacelift_stack.app.raw_git[0].url
}

output "stacks" {
  value = [for stack in data.spacelift_stacks.compat.stacks : stack.stack_id]
}

output "context_labels" {
  value = data.spacelift_context.shared.labels
}

data "spacelift_worker_pool" "edge" {
  worker_pool_id = spacelift_worker_pool.edge.id
}

data "spacelift_worker_pools" "all" {
  depends_on = [spacelift_worker_pool.edge]
}

output "worker_pool_space" {
  value = data.spacelift_worker_pool.edge.space_id
}

output "worker_pool_names" {
  value = [for pool in data.spacelift_worker_pools.all.worker_pools : pool.name]
}

data "spacelift_spaces" "all" {
  depends_on = [spacelift_space.team, spacelift_space.app]
}

data "spacelift_contexts" "all" {
  depends_on = [spacelift_context.shared]
}

data "spacelift_policies" "all" {
  depends_on = [spacelift_policy.access]
}

output "space_ids" {
  value = [for space in data.spacelift_spaces.all.spaces : space.space_id]
}

output "context_ids" {
  value = [for context in data.spacelift_contexts.all.contexts : context.context_id]
}

output "policy_ids" {
  value = [for policy in data.spacelift_policies.all.policies : policy.id]
}

output "space_parent" {
  value = data.spacelift_space.app.parent_space_id
}

output "policy_type" {
  value = data.spacelift_policy.access.type
}
`;

  const tofuRun = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await exec(tofu, [...args, '-no-color'], {
        cwd: workDir,
        env,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      throw new Error(
        `tofu ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`,
        { cause: error },
      );
    }
  };
  const write = (suffix: string, priority: number) =>
    fs.writeFile(path.join(workDir, 'main.tf'), configuration(suffix, priority));

  beforeAll(async () => {
    const provider = clientBinary('provider');
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': 'resource "terraform_data" "x" {}\n' }, 'Add code');
    gantry = await startCompatGantry();
    workDir = path.join(gantry.dataDir, 'tf');
    await fs.mkdir(workDir);
    const cliConfig = path.join(workDir, 'cli.tfrc');
    await fs.writeFile(
      cliConfig,
      `provider_installation {
  dev_overrides {
    "spacelift-io/spacelift" = "${path.dirname(provider)}"
  }
  direct {}
}
`,
    );
    env = {
      PATH: process.env.PATH,
      HOME: gantry.dataDir,
      TF_CLI_CONFIG_FILE: cliConfig,
      ...(await gantry.apiKeyEnv('terraform')),
    };
  }, 30 * 60_000);

  afterAll(async () => {
    await gantry?.stop();
    await repo?.remove();
  });

  it('creates every resource and reads it back through the data sources', async () => {
    await write('one', 5);
    const applied = await tofuRun('apply', '-auto-approve');
    expect(applied).toContain('Apply complete! Resources: 17 added, 0 changed, 0 destroyed.');
    const outputs = JSON.parse(await tofuRun('output', '-json')) as Record<
      string,
      { value: unknown }
    >;
    expect(outputs.stack_repository!.value).toBe(repo.url);
    expect(outputs.stacks!.value).toEqual(['tf-admin', 'tf-app']);
    expect(outputs.context_labels!.value).toEqual(['compat', 'one']);
    expect(outputs.policy_type!.value).toBe('ACCESS');
    expect(outputs.space_parent!.value).toBe('tf-team');
    expect(outputs.space_ids!.value).toEqual(['legacy', 'root', 'tf-team', 'tf-team-app']);
    expect(outputs.context_ids!.value).toEqual(['tf-shared']);
    expect(outputs.policy_ids!.value).toEqual(['tf-access']);
    expect(outputs.worker_pool_space!.value).toBe('tf-team');
    expect(outputs.worker_pool_names!.value).toEqual(['tf-edge']);

    const held = await gantry.graphql<{
      stack: {
        administrative: boolean;
        space: string;
        provider: string;
        repository: string;
        repositoryURL: string;
        attachedContexts: Array<{ contextId: string; priority: number }>;
        config: Array<{ id: string; value: string | null }>;
      };
      context: {
        labels: string[];
        hooks: { beforeInit: string[] };
        config: Array<{ id: string; writeOnly: boolean; value: string | null }>;
      };
    }>(`{
      stack(id: "tf-admin") {
        administrative provider repository repositoryURL space
        attachedContexts { contextId priority }
        config { id value }
      }
      context(id: "tf-shared") { labels hooks { beforeInit } config { id writeOnly value } }
    }`);
    expect(held.errors).toBeUndefined();
    expect(held.data.stack).toEqual({
      administrative: true,
      provider: 'GIT',
      repository: 'infra-repo',
      repositoryURL: repo.url,
      space: 'tf-team',
      attachedContexts: [{ contextId: 'tf-shared', priority: 5 }],
      config: [
        { id: 'DEPLOY_KEY', value: null },
        { id: 'settings.json', value: Buffer.from('{"tier":"one"}').toString('base64') },
      ],
    });
    expect(held.data.context).toEqual({
      labels: ['compat', 'one'],
      hooks: { beforeInit: ['echo one'] },
      config: [
        { id: 'TEAM', writeOnly: false, value: 'platform' },
        { id: 'TOKEN', writeOnly: true, value: null },
        { id: 'secret.txt', writeOnly: true, value: null },
      ],
    });
  });

  it('plans no changes right after', async () => {
    expect(await tofuRun('plan', '-detailed-exitcode')).toContain('No changes.');
  });

  it('updates each resource in place where the provider allows it, and is steady again', async () => {
    await write('two', 7);
    const plan = await tofuRun('plan');
    for (const updated of [
      'spacelift_stack.app',
      'spacelift_stack.admin',
      'spacelift_stack.gitlab',
      'spacelift_space.team',
      'spacelift_space.app',
      'spacelift_context.shared',
      'spacelift_policy.access',
      'spacelift_worker_pool.edge',
    ]) {
      expect(plan).toContain(`# ${updated} will be updated in-place`);
    }
    // The provider itself replaces what it cannot update (values, contents, priorities).
    expect(plan).toContain('Plan: 6 to add, 8 to change, 6 to destroy.');
    await tofuRun('apply', '-auto-approve');
    expect(await tofuRun('plan', '-detailed-exitcode')).toContain('No changes.');
    const held = await gantry.graphql<{
      stack: {
        description: string;
        config: Array<{ id: string; value: string }>;
        workerPool: { name: string; description: string };
      };
      policy: { body: string };
    }>(
      '{ stack(id: "tf-app") { description config { id value } workerPool { name description } } policy(id: "tf-access") { body } }',
    );
    expect(held.data.stack).toEqual({
      description: 'app two',
      config: [{ id: 'REGION', value: 'eu-two' }],
      workerPool: { name: 'tf-edge', description: 'edge two' },
    });
    expect(held.data.policy.body).toContain('"two"');
  });

  it('destroys everything, and Gantry holds none of it', async () => {
    expect(await tofuRun('destroy', '-auto-approve')).toContain(
      'Destroy complete! Resources: 17 destroyed.',
    );
    const held = await gantry.graphql<Record<string, Array<{ id: string }>>>(
      '{ stacks { id } contexts { id } policies { id } workerPools { id } spaces { id } }',
    );
    expect(held.data).toEqual({
      stacks: [],
      contexts: [],
      policies: [],
      workerPools: [],
      spaces: [{ id: 'legacy' }, { id: 'root' }],
    });
  });
});
