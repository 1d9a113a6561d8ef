import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/platform/secrets';
import { startApiServer, type ApiServer } from '../support/api';
import { openTestDatabase, type TestDatabase } from '../support/database';

/** StackInput as Spacelift's Terraform provider sends it: every setting, most of them empty. */
const providerInput = (overrides: Record<string, unknown> = {}) => ({
  administrative: false,
  autodeploy: false,
  autoretry: true,
  branch: 'main',
  description: 'managed as code',
  githubActionDeploy: true,
  labels: ['compat'],
  localPreviewEnabled: true,
  enableWellKnownSecretMasking: true,
  enableSensitiveOutputUpload: false,
  name: 'Infra',
  namespace: 'local',
  projectRoot: null,
  additionalProjectGlobs: ['modules/**'],
  gitSparseCheckoutPaths: null,
  protectFromDeletion: true,
  provider: 'GIT',
  repository: 'infra-repo',
  repositoryURL: 'file:///srv/git/infra-repo',
  runnerImage: null,
  space: null,
  vcsIntegrationId: null,
  vendorConfig: {
    terraform: {
      useSmartSanitization: true,
      version: '1.8.0',
      workflowTool: null,
      workspace: null,
      externalStateAccessEnabled: false,
    },
  },
  workerPool: null,
  ...overrides,
});

const READ_BACK = `id managesStateFile provider repository repositoryURL namespace autoretry githubActionDeploy
  localPreviewEnabled enableWellKnownSecretMasking enableSensitiveOutputUpload protectFromDeletion
  additionalProjectGlobs gitSparseCheckoutPaths space terraformVersion vcsIntegration { id }
  vendorConfig { __typename ... on StackConfigVendorTerraform { useSmartSanitization version workflowTool }
    ... on StackConfigVendorOpenTofu { version openTofuWorkflowTool: workflowTool concise } }
  integrations { aws { assumedRoleArn generateCredentialsInWorker } driftDetection { reconcile } gcp { tokenScopes } webhooks { id } }`;

describe("stacks as Spacelift's clients write them", () => {
  let database: TestDatabase;
  let api: ApiServer;

  const create = (input: Record<string, unknown>, slug: string | null = null, manageState = true) =>
    api.graphql<{ stackCreate: Record<string, unknown> }>(
      `mutation ($input: StackInput!, $slug: String, $manageState: Boolean!) {
        stackCreate(input: $input, manageState: $manageState, slug: $slug) { ${READ_BACK} }
      }`,
      { input, slug, manageState },
    );
  const refusal = async (input: Record<string, unknown>) => {
    const answer = await create(input);
    expect(answer.data).toBeNull();
    return answer.errors?.[0]?.message;
  };

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    api = await startApiServer({ database, box: new SecretBox(randomBytes(32)) });
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('keeps the id, the GIT source and every setting, and answers them as given', async () => {
    // Its state is kept elsewhere (manageState: false), which an update leaves as it is.
    const created = await create(providerInput(), 'infra-as-code', false);
    expect(created.errors).toBeUndefined();
    expect(created.data!.stackCreate).toEqual({
      id: 'infra-as-code',
      managesStateFile: false,
      provider: 'GIT',
      repository: 'infra-repo',
      repositoryURL: 'file:///srv/git/infra-repo',
      namespace: 'local',
      autoretry: true,
      githubActionDeploy: true,
      localPreviewEnabled: true,
      enableWellKnownSecretMasking: true,
      enableSensitiveOutputUpload: false,
      protectFromDeletion: true,
      additionalProjectGlobs: ['modules/**'],
      gitSparseCheckoutPaths: [],
      space: 'root',
      terraformVersion: '1.8.0',
      vcsIntegration: null,
      vendorConfig: {
        __typename: 'StackConfigVendorTerraform',
        useSmartSanitization: true,
        version: '1.8.0',
        workflowTool: 'OPEN_TOFU',
      },
      integrations: {
        aws: { assumedRoleArn: null, generateCredentialsInWorker: false },
        driftDetection: null,
        gcp: null,
        webhooks: [],
      },
    });
    // Searching by the repository finds it by its name.
    const found = await api.graphql<{ searchStacks: { edges: Array<{ node: { id: string } }> } }>(
      `{ searchStacks(input: { predicates: [{ field: "repository", constraint: { stringMatches: ["infra-repo"] } }] }) { edges { node { id } } } }`,
    );
    expect(found.data!.searchStacks.edges.map((edge) => edge.node.id)).toEqual(['infra-as-code']);
  });

  it('refuses to delete a protected stack until the protection is lifted', async () => {
    const refused = await api.graphql('mutation { stackDelete(id: "infra-as-code") { id } }');
    expect(refused.errors?.[0]?.message).toBe(
      'stack "infra-as-code" is protected from deletion: set protectFromDeletion to false (stackUpdate) first',
    );
    const updated = await api.graphql<{ stackUpdate: Record<string, unknown> }>(
      `mutation ($input: StackInput!) { stackUpdate(id: "infra-as-code", input: $input) { ${READ_BACK} } }`,
      {
        input: providerInput({
          protectFromDeletion: false,
          vendorConfig: { opentofu: { version: '1.9.0', concise: true } },
        }),
      },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.stackUpdate).toMatchObject({
      managesStateFile: false,
      protectFromDeletion: false,
      vendorConfig: {
        __typename: 'StackConfigVendorOpenTofu',
        version: '1.9.0',
        openTofuWorkflowTool: 'OPENTOFU',
        concise: true,
      },
    });
    const deleted = await api.graphql('mutation { stackDelete(id: "infra-as-code") { id } }');
    expect(deleted.errors).toBeUndefined();
  });

  it('refuses, saying what to do, what Gantry cannot do', async () => {
    expect(await refusal(providerInput({ runnerImage: 'ghcr.io/acme/runner:1' }))).toMatch(
      /^Gantry runs tools on its workers, not in container images/,
    );
    expect(await refusal(providerInput({ workerPool: 'pool-1' }))).toBe(
      'worker pool "pool-1" does not exist; give the id of an existing pool (the workerPools query lists them), or leave workerPool out for Gantry\'s own workers',
    );
    expect(await refusal(providerInput({ space: 'team-a' }))).toBe(
      'space "team-a" does not exist; give the id of an existing space (the spaces query lists them), or leave space out for root',
    );
    expect(await refusal(providerInput({ repositoryURL: null }))).toMatch(
      /^a GIT stack needs repositoryURL/,
    );
    expect(
      await refusal(providerInput({ vendorConfig: { pulumi: { loginURL: 'x', stackName: 'y' } } })),
    ).toMatch(/^Gantry runs OpenTofu only, not pulumi/);
    expect(
      await refusal(
        providerInput({ vendorConfig: { terraform: { workflowTool: 'TERRAFORM_FOSS' } } }),
      ),
    ).toMatch(/^Gantry runs OpenTofu, not workflowTool TERRAFORM_FOSS/);
    expect(
      await refusal(
        providerInput({ vendorConfig: { terraform: { externalStateAccessEnabled: true } } }),
      ),
    ).toMatch(/externalStateAccessEnabled must be false$/);
    const badSlug = await create(providerInput(), 'Not A Slug');
    expect(badSlug.errors?.[0]?.message).toMatch(/^slug "Not A Slug" is not a stack id/);
  });

  it("keeps a GitLab project's namespace and name apart, as Spacelift answers them", async () => {
    const created = await create(
      providerInput({
        provider: 'GITLAB',
        namespace: 'platform/infra',
        repository: 'network',
        repositoryURL: null,
        protectFromDeletion: false,
      }),
    );
    expect(created.errors).toBeUndefined();
    // Answered as given, apart, with Gantry's one GitLab integration; reached by its path.
    expect(created.data!.stackCreate).toMatchObject({
      id: 'infra',
      provider: 'GITLAB',
      repository: 'network',
      namespace: 'platform/infra',
      repositoryURL: null,
      vcsIntegration: { id: 'gitlab' },
    });
    const row = await api.graphql<{ searchStacks: { edges: Array<{ node: { id: string } }> } }>(
      `{ searchStacks(input: { predicates: [{ field: "repository", constraint: { stringMatches: ["platform/infra/network"] } }] }) { edges { node { id } } } }`,
    );
    expect(row.data!.searchStacks.edges.map((edge) => edge.node.id)).toEqual(['infra']);
    expect(
      await refusal(
        providerInput({ provider: 'GITLAB', repositoryURL: null, vcsIntegrationId: 'other' }),
      ),
    ).toBe(
      'Gantry has one GitLab integration (gitlabIntegration), "gitlab": leave vcsIntegrationId unset or give that',
    );
  });

  it('keeps config elements’ descriptions as given', async () => {
    const added = await api.graphql<{ stackConfigAdd: { description: string | null } }>(
      `mutation { stackConfigAdd(stack: "infra", config: { id: "TF_VAR_region", type: ENVIRONMENT_VARIABLE, value: "eu-west-1", writeOnly: false, description: "" }) { description } }`,
    );
    expect(added.data!.stackConfigAdd).toEqual({ description: '' });
    const described = await api.graphql<{
      stack: { config: Array<{ id: string; description: string | null }> };
    }>(
      `mutation { stackConfigAdd(stack: "infra", config: { id: "TF_VAR_zone", type: ENVIRONMENT_VARIABLE, value: "a", writeOnly: true, description: "The zone" }) { id } }`,
    );
    expect(described.errors).toBeUndefined();
    const read = await api.graphql<{
      stack: { config: Array<{ id: string; description: string | null }> };
    }>('{ stack(id: "infra") { config { id description } } }');
    expect(read.data!.stack.config).toEqual([
      { id: 'TF_VAR_region', description: '' },
      { id: 'TF_VAR_zone', description: 'The zone' },
    ]);
  });
});
