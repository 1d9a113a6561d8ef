import fs from 'node:fs/promises';
import path from 'node:path';
import { PolicyCompileError, PolicyCompiler } from '../../../src/policy/compiler';
import {
  evaluateRules,
  loadCompiledPolicy,
  type HttpPolicyInput,
  type SlackInput,
} from '../../../src/policy/evaluator';
import { requireTool } from '../../../src/platform/tools';

const compiler = new PolicyCompiler(requireTool('opa', process.env));
const examples = path.join(__dirname, '../../../policies');

const stack = {
  id: 'networking',
  name: 'Networking',
  labels: ['prod'],
  branch: 'main',
  repository: 'infra/networking',
  administrative: false,
};

function httpInput(
  session: Partial<HttpPolicyInput['session']> = {},
  timestamp = Date.now(),
): HttpPolicyInput {
  return {
    request: { remote_ip: '10.1.2.3', timestamp_ns: timestamp * 1e6 },
    session: { login: 'alice', name: 'Alice', teams: [], admin: false, ...session },
    stack,
  };
}

/** A Slack request with every field Spacelift documents, from a channel of a workspace. */
function slackInput(channel: string, teamId = 'T024BE7LD'): SlackInput {
  return {
    command: 'subscribe networking',
    user: {
      id: 'U024BE7LH',
      deleted: false,
      display_name: 'alice',
      has_2fa: true,
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_stranger: false,
      real_name: 'Alice Liddell',
      tz: 'Europe/Berlin',
      enterprise: {
        id: 'W0123ABC',
        enterprise_id: 'E0123ABC',
        enterprise_name: 'Example',
        is_admin: false,
        is_owner: false,
        teams: ['T024BE7LD'],
      },
    },
    team: { id: teamId, name: 'example' },
    channel: { id: 'C024BE91L', name: channel },
  };
}

async function compileAndLoad(body: string) {
  const compiled = await compiler.compile(body);
  return { ...compiled, policy: await loadCompiledPolicy(compiled.wasm) };
}

async function compileError(body: string): Promise<PolicyCompileError> {
  const error = await compiler.compile(body).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(PolicyCompileError);
  return error as PolicyCompileError;
}

describe('compiling stack access policies', () => {
  it('compiles the current Rego syntax', async () => {
    const { syntax, policy } = await compileAndLoad(
      'package spacelift\n\nwrite if "platform" in input.session.teams\n',
    );
    expect(syntax).toBe('v1');
    expect(evaluateRules(policy, httpInput({ teams: ['platform'] }))).toEqual({
      deny: false,
      write: true,
      read: false,
    });
    expect(evaluateRules(policy, httpInput({ teams: ['qa'] })).write).toBe(false);
  });

  it('compiles the older v0 syntax of published examples, partial set rules included', async () => {
    const { syntax, policy } = await compileAndLoad(
      [
        'package spacelift',
        '',
        'read { input.session.login == "alice" }',
        'deny[reason] { input.stack.labels[_] == "frozen"; reason := "frozen" }',
      ].join('\n'),
    );
    expect(syntax).toBe('v0');
    expect(evaluateRules(policy, httpInput())).toEqual({ deny: false, write: false, read: true });
    const frozen = { ...httpInput(), stack: { ...stack, labels: ['frozen'] } };
    expect(evaluateRules(policy, frozen).deny).toBe(true);
  });

  it('compiles v0 rules without bodies, which call built-ins the current syntax deprecates', async () => {
    const { syntax, policy } = await compileAndLoad(
      'package spacelift\n\nwrite = re_match("^release/", input.stack.branch)\n',
    );
    expect(syntax).toBe('v0');
    const release = { ...httpInput(), stack: { ...stack, branch: 'release/1.2' } };
    expect(evaluateRules(policy, release).write).toBe(true);
    expect(evaluateRules(policy, httpInput()).write).toBe(false);
  });

  it('points at the mistake in a current-syntax policy that misses one `if`', async () => {
    const error = await compileError(
      [
        'package spacelift',
        '',
        'read if "qa" in input.session.teams',
        '',
        'write { input.session.login == "alice" }',
      ].join('\n'),
    );
    expect(error.message).toMatch(/^line 5, column 1: `if` keyword is required before rule body/);
  });

  it("refuses a body that does not compile with OPA's message, line and column", async () => {
    const error = await compileError(
      'package spacelift\n\nwrite if {\n  input.session.login ==\n}\n',
    );
    expect(error.message).toMatch(/^line \d+, column \d+: .*rego_parse_error/);

    const v0 = await compileError('package spacelift\n\nwrite { input.session.teams[_] == }\n');
    expect(v0.message).toMatch(/^line 3, column \d+: /);

    const unsafe = await compileError('package spacelift\n\nread if x > 1\n');
    expect(unsafe.message).toMatch(
      /^line 3, column \d+: var x is unsafe \(rego_unsafe_var_error\)/,
    );
  });

  it('refuses a policy outside package spacelift, naming its package', async () => {
    const error = await compileError('# access\npackage stacks\n\nread := true\n');
    expect(error.message).toBe(
      'line 2: a stack access policy is in `package spacelift`, not `package stacks`',
    );
  });

  it('refuses built-ins that cannot run in-process, instead of failing on every request', async () => {
    const error = await compileError(
      'package spacelift\n\nread if http.send({"method": "GET", "url": "http://example.com"}).status_code == 200\n',
    );
    expect(error.message).toMatch(/^line 3, column \d+: undefined function http\.send/);
  });
});

describe('the policies in policies/', () => {
  const load = async (name: string) =>
    compileAndLoad(await fs.readFile(path.join(examples, name), 'utf8'));

  it('slack-channel-write: writes from #dev-notifications of the named workspace and nowhere else, with the exact slack input', async () => {
    const { policy, syntax } = await load('slack-channel-write.rego');
    expect(syntax).toBe('v0');
    const fromChannel = { slack: slackInput('dev-notifications', 'T0123ABCD'), stack };
    expect(evaluateRules(policy, fromChannel)).toEqual({ deny: false, write: true, read: false });
    const elsewhere = { slack: slackInput('general', 'T0123ABCD'), stack };
    expect(evaluateRules(policy, elsewhere)).toEqual({ deny: false, write: false, read: false });
    // A channel of the same name in another workspace is another channel.
    const otherWorkspace = { slack: slackInput('dev-notifications', 'T0EVILCORP'), stack };
    expect(evaluateRules(policy, otherWorkspace).write).toBe(false);
    // An API request has no slack section, so the policy gives it nothing.
    expect(evaluateRules(policy, httpInput({ teams: ['dev-notifications'] })).write).toBe(false);
  });

  it('slack-linked-team-write: writes for a linked member of the group, from the one channel', async () => {
    const { policy } = await load('slack-linked-team-write.rego');
    const session = (teams: string[]) => ({ login: 'ada', name: 'Ada', teams, admin: false });
    const linked = {
      slack: slackInput('deploys', 'T0123ABCD'),
      session: session(['infra/platform']),
      stack,
    };
    expect(evaluateRules(policy, linked)).toEqual({ deny: false, write: true, read: false });
    // Unlinked, a Slack request has no session.
    expect(evaluateRules(policy, { slack: slackInput('deploys', 'T0123ABCD'), stack }).write).toBe(
      false,
    );
    const otherGroup = { ...linked, session: session(['marketing']) };
    expect(evaluateRules(policy, otherGroup).write).toBe(false);
    const otherChannel = { ...linked, slack: slackInput('general', 'T0123ABCD') };
    expect(evaluateRules(policy, otherChannel).write).toBe(false);
    // The same person through the API is not a Slack request.
    expect(evaluateRules(policy, httpInput({ teams: ['infra/platform'] })).write).toBe(false);
  });

  it('team-read-only: the engineering group reads, and nobody gets write from it', async () => {
    const { policy } = await load('team-read-only.rego');
    expect(evaluateRules(policy, httpInput({ teams: ['ops', 'engineering'] }))).toEqual({
      deny: false,
      write: false,
      read: true,
    });
    expect(evaluateRules(policy, httpInput({ teams: ['ops'] })).read).toBe(false);
  });

  it('office-hours: denies on weekends and outside 9:00 to 18:00 Berlin time', async () => {
    const { policy } = await load('office-hours.rego');
    const at = (iso: string) => evaluateRules(policy, httpInput({}, Date.parse(iso))).deny;
    // Wednesday 25 November 2026; Berlin is UTC+1 in winter.
    expect(at('2026-11-25T08:00:00Z')).toBe(false);
    expect(at('2026-11-25T16:59:00Z')).toBe(false);
    expect(at('2026-11-25T07:59:00Z')).toBe(true);
    expect(at('2026-11-25T17:00:00Z')).toBe(true);
    // Saturday at noon; and in summer Berlin is UTC+2.
    expect(at('2026-11-28T11:00:00Z')).toBe(true);
    expect(at('2026-07-01T07:30:00Z')).toBe(false);
    expect(at('2026-07-01T06:30:00Z')).toBe(true);
  });
});
