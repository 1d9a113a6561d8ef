import { isReservedVariable, type ResolvedElement } from '../../src/contexts/runtimeConfig';

// What tools find on a worker; the worker's own PATH may name directories of its own.
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface EnvironmentInput {
  /** The stack's runtime config with each element's value revealed. */
  config: Array<ResolvedElement & { value: string }>;
  runId: string;
  stackId: string;
  commitHash: string;
  /** The workspace's home directory: tools write their caches there. */
  home: string;
  /** Directories put first on PATH, such as the one holding the tofu binary. */
  toolDirs?: string[];
  stateCredentials?: { username: string; password: string };
  awsRoleArn?: string | null;
  /** The run's own variables (its runtime config), over the stack's and its contexts'. */
  runVariables?: Record<string, string>;
  /** A tracked run's or task's API token, and where it reaches the API. */
  spacelift?: { token: string; endpoint: string };
  /** The OpenTofu CLI configuration Gantry wrote for the provider mirror (GANTRY_PROVIDER_MIRROR). */
  cliConfigFile?: string;
  /** The run's own plugin cache, which links to the worker's providers (see ProviderCache). */
  pluginCacheDir?: string;
}

/**
 * The whole environment of a run's tools. Nothing of the worker's own environment is in it —
 * no DATABASE_URL, tokens or keys. Lowest precedence first: Gantry's own variables, then the
 * contexts' config from the highest priority number to the lowest, then the stack's own, then
 * the run's own. Config may override what Gantry computes for a run (SPACELIFT_API_TOKEN, as in
 * Spacelift), but not the names it reserves, nor the CLI configuration of the operator's
 * provider mirror, which comes last.
 */
export function buildEnvironment(input: EnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: [...(input.toolDirs ?? []), SYSTEM_PATH].join(':'),
    HOME: input.home,
    LANG: 'C.UTF-8',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_VAR_gantry_run_id: input.runId,
    TF_VAR_gantry_stack_id: input.stackId,
    TF_VAR_gantry_commit_sha: input.commitHash,
    GANTRY_RUN_ID: input.runId,
    GANTRY_STACK_ID: input.stackId,
    GANTRY_COMMIT_SHA: input.commitHash,
  };
  if (input.pluginCacheDir) {
    env.TF_PLUGIN_CACHE_DIR = input.pluginCacheDir;
    // Its entries are the worker's, which OpenTofu installed and vetted itself.
    env.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE = '1';
  }
  if (input.stateCredentials) {
    env.TF_HTTP_USERNAME = input.stateCredentials.username;
    env.TF_HTTP_PASSWORD = input.stateCredentials.password;
  }
  if (input.spacelift) {
    env.SPACELIFT_API_TOKEN = input.spacelift.token;
    env.SPACELIFT_API_ENDPOINT = input.spacelift.endpoint;
  }
  if (input.awsRoleArn) {
    env.AWS_ROLE_ARN = input.awsRoleArn;
    // The session name the role's trust policy can require (Stack.awsAssumeRolePolicyStatement).
    env.AWS_ROLE_SESSION_NAME = `gantry-${input.stackId}`;
  }

  const variables = input.config.filter((entry) => entry.element.type === 'ENVIRONMENT_VARIABLE');
  const byPrecedence = [
    ...variables
      .filter((entry) => entry.source)
      .sort((a, b) => b.source!.priority - a.source!.priority),
    ...variables.filter((entry) => !entry.source),
  ];
  // Config stored before these names were refused never overrides what Gantry sets.
  for (const entry of byPrecedence) {
    if (!isReservedVariable(entry.element.id)) env[entry.element.id] = entry.value;
  }
  for (const [name, value] of Object.entries(input.runVariables ?? {})) {
    if (!isReservedVariable(name)) env[name] = value;
  }
  if (input.cliConfigFile) env.TF_CLI_CONFIG_FILE = input.cliConfigFile;
  return env;
}
