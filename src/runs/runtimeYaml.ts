import { parseDocument } from 'yaml';
import { variableNameProblem } from '../contexts/runtimeConfig';
import { InvalidInputError } from '../platform/errors';
import { HOOK_NAMES, validHooks, yamlNameOf, type HookName, type Hooks } from '../stacks/hooks';

/**
 * A run's own configuration (runTrigger's runtimeConfig, spacectl's --runtime-config): hook
 * lists that replace the stack's lists of the same names for this run, and plain environment
 * variables over the stack's and its contexts'. Stored with the run, so a retry keeps it.
 */
export interface RunRuntimeConfig {
  hooks: Partial<Hooks>;
  environment: Record<string, string>;
}

// A runtime config is a few settings; more than this is not one.
const MAX_YAML_CHARS = 64 * 1024;

const HOOK_BY_YAML_NAME = new Map<string, HookName>(
  HOOK_NAMES.map((hook) => [yamlNameOf(hook), hook]),
);

/** Keys of Spacelift's stack settings that Gantry refuses, with what to do instead. */
const REFUSED: Record<string, string> = {
  runner_image:
    'Gantry runs OpenTofu on the worker, not in a runner image: remove runner_image and install what the run needs on the workers',
  terraform_version:
    'Gantry runs the OpenTofu its workers have, whatever version a run asks for: remove terraform_version',
  project_root:
    "Gantry takes a run's project root from its stack: remove project_root and set the stack's projectRoot with stackUpdate",
  version:
    'the runtime config is the settings of one stack, not a whole .spacelift/config.yml: remove version and give the keys of one stack, such as before_plan and environment',
  stacks:
    'the runtime config is the settings of one stack, not a whole .spacelift/config.yml: give the keys under your stack (before_plan, environment, …) at the top level',
  stack_defaults:
    'the runtime config is the settings of one stack, not a whole .spacelift/config.yml: give the keys under stack_defaults at the top level',
};

/**
 * Reads a run's runtime config from Spacelift's YAML of one stack's settings. Empty YAML (or only
 * comments) is no config: undefined. Malformed YAML, a key Gantry cannot honour or does not
 * know, and a value that is not a string where one is needed are refused with what to do.
 */
export function parseRuntimeYaml(yaml: string | null | undefined): RunRuntimeConfig | undefined {
  if (!yaml?.trim()) return undefined;
  if (yaml.length > MAX_YAML_CHARS) {
    throw refused(
      `it is longer than ${MAX_YAML_CHARS / 1024} KiB; keep only the settings of this run`,
    );
  }
  const document = parseDocument(yaml, { merge: true });
  const [error] = document.errors;
  if (error)
    throw refused(`it is not valid YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}`);
  // Anchors are expanded at most this often: a few aliases must not make a huge config.
  const settings: unknown = document.toJS({ maxAliasCount: 100 });
  if (settings === null || settings === undefined) return undefined;
  if (!isRecord(settings)) {
    throw refused('it must be a mapping of settings, such as `before_plan: ["tflint"]`');
  }

  const config: RunRuntimeConfig = { hooks: {}, environment: {} };
  for (const [key, value] of Object.entries(settings)) {
    const hook = HOOK_BY_YAML_NAME.get(key);
    if (hook) {
      config.hooks[hook] = commands(key, value);
    } else if (key === 'environment') {
      config.environment = environment(value);
    } else if (REFUSED[key]) {
      throw refused(`${key}: ${REFUSED[key]}`);
    } else {
      throw refused(
        `Gantry does not know the setting ${key}: use the hook lists (${[...HOOK_BY_YAML_NAME.keys()].join(', ')}) and environment`,
      );
    }
  }
  validHooks(config.hooks, 'the runtime config', yamlNameOf);
  return config;
}

function refused(problem: string) {
  return new InvalidInputError(`runtimeConfig: ${problem}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A hook's list: strings only; an empty entry (`before_plan:`) is an empty list. */
function commands(key: string, value: unknown): string[] {
  if (value === null) return [];
  if (!Array.isArray(value)) {
    throw refused(`${key} must be a list of commands, such as \`${key}: ["ls"]\``);
  }
  return value.map((command: unknown, index) => {
    if (typeof command !== 'string') {
      throw refused(`${key}[${index}] must be a command, a string: quote it`);
    }
    return command;
  });
}

/** The environment map: variable names Gantry accepts, string values. */
function environment(value: unknown): Record<string, string> {
  if (value === null) return {};
  if (!isRecord(value)) {
    throw refused(
      'environment must be a mapping of names to values, such as `environment: { AWS_REGION: eu-west-1 }`',
    );
  }
  const variables: Record<string, string> = {};
  for (const [name, variable] of Object.entries(value)) {
    const problem = variableNameProblem(name);
    if (problem) throw refused(`environment: ${problem}`);
    if (typeof variable !== 'string') {
      throw refused(`environment.${name} must be a string: quote it, such as ${name}: "1"`);
    }
    variables[name] = variable;
  }
  return variables;
}
