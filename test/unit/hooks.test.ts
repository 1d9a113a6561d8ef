import { orderHooks } from '../../src/contexts/runtimeConfig';
import { InvalidInputError } from '../../src/platform/errors';
import { parseRuntimeYaml } from '../../src/runs/runtimeYaml';
import { validHooks } from '../../src/stacks/hooks';

describe('the order hooks run in', () => {
  it("runs the contexts' before-hooks by priority before the stack's, and after-hooks the other way round", () => {
    const hooks = orderHooks({ beforePlan: ['stack'], afterPlan: ['stack'], afterRun: ['stack'] }, [
      { beforePlan: ['priority 0'], afterPlan: ['priority 0'], afterRun: ['priority 0'] },
      { beforePlan: ['priority 5'], afterPlan: ['priority 5'], afterRun: ['priority 5'] },
    ]);
    expect(hooks.beforePlan).toEqual(['priority 0', 'priority 5', 'stack']);
    expect(hooks.afterPlan).toEqual(['stack', 'priority 5', 'priority 0']);
    expect(hooks.afterRun).toEqual(['stack', 'priority 5', 'priority 0']);
    expect(hooks.beforeInit).toEqual([]);
  });
});

describe('hook lists as stacks and contexts keep them', () => {
  it('fills the lists not given and refuses blank commands, saying where', () => {
    expect(validHooks({ beforeInit: ['ls'], afterRun: null }, 'stack "app"')).toMatchObject({
      beforeInit: ['ls'],
      afterRun: [],
      afterDestroy: [],
    });
    expect(() => validHooks({ afterPlan: ['  '] }, 'stack "app"')).toThrow(
      'afterPlan of stack "app": a command is empty; remove it',
    );
  });
});

describe("a run's runtime config, as Spacelift's YAML of one stack's settings", () => {
  it('reads the hook lists and the environment', () => {
    expect(
      parseRuntimeYaml(
        [
          'before_plan:',
          '  - echo "checking"',
          '  - tflint',
          'after_run: []',
          'environment:',
          '  AWS_REGION: eu-west-1',
          "  TF_VAR_roles: '[admin]'",
        ].join('\n'),
      ),
    ).toEqual({
      hooks: { beforePlan: ['echo "checking"', 'tflint'], afterRun: [] },
      environment: { AWS_REGION: 'eu-west-1', TF_VAR_roles: '[admin]' },
    });
  });

  it('takes empty YAML, or only comments, as no config', () => {
    expect(parseRuntimeYaml('')).toBeUndefined();
    expect(parseRuntimeYaml('# nothing for this run\n')).toBeUndefined();
  });

  it('expands anchors and merge keys, as Spacelift documents', () => {
    expect(
      parseRuntimeYaml(
        'before_init: &checks [tflint]\nbefore_plan: *checks\nenvironment:\n  <<: {A: x}\n  B: y',
      ),
    ).toEqual({
      hooks: { beforeInit: ['tflint'], beforePlan: ['tflint'] },
      environment: { A: 'x', B: 'y' },
    });
  });

  it.each([
    ['before_plan: [', /^runtimeConfig: it is not valid YAML: .+ at line 1, column \d+$/],
    ['a: 1\na: 2', /it is not valid YAML: Map keys must be unique/],
    ['- ls', /it must be a mapping of settings/],
    [
      'runner_image: my/runner:1',
      /runner_image: Gantry runs OpenTofu on the worker, not in a runner image/,
    ],
    ['terraform_version: 1.5.7', /terraform_version: Gantry runs the OpenTofu its workers have/],
    ['project_root: infra', /project_root: .*set the stack's projectRoot with stackUpdate/],
    ['stacks: {app: {before_plan: [ls]}}', /not a whole .spacelift\/config.yml/],
    [
      'before_plans: [ls]',
      /Gantry does not know the setting before_plans: use the hook lists \(before_init, /,
    ],
    ['before_plan: ls', /before_plan must be a list of commands/],
    ['before_plan: [42]', /before_plan\[0\] must be a command, a string: quote it/],
    ['environment: {PORT: 8080}', /environment.PORT must be a string: quote it/],
    ['environment: [A]', /environment must be a mapping of names to values/],
    ['environment: {1PORT: x}', /"1PORT" is not an environment variable name/],
    ['environment: {GANTRY_RUN_ID: x}', /"GANTRY_RUN_ID" is set by Gantry for every run/],
    ['after_run: [" "]', /after_run of the runtime config: a command is empty/],
  ])('refuses %j, saying what to do', (yaml, message) => {
    expect(() => parseRuntimeYaml(yaml)).toThrow(InvalidInputError);
    expect(() => parseRuntimeYaml(yaml)).toThrow(message);
  });

  it('refuses a config larger than a run needs', () => {
    expect(() => parseRuntimeYaml(`environment:\n  A: "${'x'.repeat(70_000)}"`)).toThrow(
      /longer than 64 KiB/,
    );
  });
});
