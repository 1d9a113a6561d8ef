import { buildEnvironment } from '../../../activities/runner/environment';
import type { ResolvedElement } from '../../../src/contexts/runtimeConfig';
import type { ConfigElementRow } from '../../../src/contexts/tables';

const variable = (id: string, value: string, priority?: number) =>
  ({
    element: { id, type: 'ENVIRONMENT_VARIABLE' } as ConfigElementRow,
    value,
    ...(priority === undefined
      ? {}
      : {
          source: { attachmentId: 'a', contextId: `ctx-${priority}`, contextName: 'c', priority },
        }),
  }) satisfies ResolvedElement & { value: string };

describe('buildEnvironment', () => {
  const base = { runId: 'RUN', stackId: 'net', commitHash: 'abc', home: '/ws/home' };

  it("holds Gantry's own variables and nothing of the worker's environment", () => {
    process.env.GANTRY_TEST_LEAK = 'leaked';
    const env = buildEnvironment({ ...base, config: [], toolDirs: ['/opt/tofu'] });
    delete process.env.GANTRY_TEST_LEAK;
    expect(env).toEqual({
      PATH: '/opt/tofu:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/ws/home',
      LANG: 'C.UTF-8',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      TF_VAR_gantry_run_id: 'RUN',
      TF_VAR_gantry_stack_id: 'net',
      TF_VAR_gantry_commit_sha: 'abc',
      GANTRY_RUN_ID: 'RUN',
      GANTRY_STACK_ID: 'net',
      GANTRY_COMMIT_SHA: 'abc',
    });
  });

  it("gives an administrative stack's run its token, which config may override, and keeps the provider mirror's CLI configuration", () => {
    const env = buildEnvironment({
      ...base,
      config: [
        variable('TF_CLI_CONFIG_FILE', '/workspace/source/own.tofurc'),
        variable('SPACELIFT_API_ENDPOINT', 'https://elsewhere.example'),
      ],
      runVariables: { TF_CLI_CONFIG_FILE: '/workspace/source/run.tofurc' },
      spacelift: { token: 'ey.token', endpoint: 'https://gantry.example' },
      cliConfigFile: '/gantry/etc/tofurc',
    });
    expect(env.SPACELIFT_API_TOKEN).toBe('ey.token');
    expect(env.SPACELIFT_API_ENDPOINT).toBe('https://elsewhere.example');
    expect(env.TF_CLI_CONFIG_FILE).toBe('/gantry/etc/tofurc');
  });

  it("points OpenTofu at the run's own plugin cache, which config may point elsewhere", () => {
    const cached = buildEnvironment({
      ...base,
      config: [],
      pluginCacheDir: '/workspace/plugin-cache',
    });
    expect(cached.TF_PLUGIN_CACHE_DIR).toBe('/workspace/plugin-cache');
    expect(cached.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE).toBe('1');
    const own = buildEnvironment({
      ...base,
      config: [variable('TF_PLUGIN_CACHE_DIR', '/workspace/source/.cache')],
      pluginCacheDir: '/workspace/plugin-cache',
    });
    expect(own.TF_PLUGIN_CACHE_DIR).toBe('/workspace/source/.cache');
  });

  it('lets the stack win over contexts, and the lower priority number win among contexts', () => {
    const env = buildEnvironment({
      ...base,
      config: [
        variable('REGION', 'from-context-5', 5),
        variable('REGION', 'from-context-1', 1),
        variable('ONLY_IN_CONTEXT', 'ctx', 5),
        variable('TIER', 'from-context-1', 1),
        variable('TIER', 'from-stack'),
      ],
    });
    expect(env.REGION).toBe('from-context-1');
    expect(env.TIER).toBe('from-stack');
    expect(env.ONLY_IN_CONTEXT).toBe('ctx');
  });

  it("lets the run's own variables win over the stack's and its contexts', but not over Gantry's", () => {
    const env = buildEnvironment({
      ...base,
      config: [variable('REGION', 'from-context-1', 1), variable('TIER', 'from-stack')],
      runVariables: { REGION: 'from-run', TIER: 'from-run', GANTRY_RUN_ID: 'forged' },
    });
    expect(env).toMatchObject({ REGION: 'from-run', TIER: 'from-run', GANTRY_RUN_ID: 'RUN' });
  });

  it('carries the state credentials and the AWS role; config overrides only what is not reserved', () => {
    const env = buildEnvironment({
      ...base,
      config: [
        variable('TF_IN_AUTOMATION', 'overridden'),
        variable('TF_HTTP_PASSWORD', 'forged'),
        variable('PATH', '/tmp/evil'),
      ],
      stateCredentials: { username: 'RUN', password: 'pw' },
      awsRoleArn: 'arn:aws:iam::123456789012:role/gantry',
    });
    expect(env).toMatchObject({
      TF_HTTP_USERNAME: 'RUN',
      TF_HTTP_PASSWORD: 'pw',
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/gantry',
      AWS_ROLE_SESSION_NAME: `gantry-${base.stackId}`,
      TF_IN_AUTOMATION: 'overridden',
    });
    expect(env.PATH).not.toContain('/tmp/evil');
  });

  it('leaves file mounts out of the environment', () => {
    const mount = {
      element: { id: 'creds.json', type: 'FILE_MOUNT' } as ConfigElementRow,
      value: 'e30=',
    };
    expect(buildEnvironment({ ...base, config: [mount] })).not.toHaveProperty('creds.json');
  });
});
