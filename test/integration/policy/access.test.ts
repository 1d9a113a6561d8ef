import { Writable } from 'node:stream';
import pino from 'pino';
import type { Stack } from '../../../src/stacks/tables';
import { StackAccess } from '../../../src/auth/access';
import type { Viewer } from '../../../src/auth/viewer';
import { schema } from '../../support/tables';
import { PolicyAccess } from '../../../src/policy/access';
import { PolicyCompiler } from '../../../src/policy/compiler';
import { PolicyEvaluator } from '../../../src/policy/evaluator';
import { PolicyService } from '../../../src/policy/service';
import { requireTool } from '../../../src/platform/tools';
import { databaseTargets, openTestDatabase, type TestDatabase } from '../../support/database';

const alice: Viewer = { id: 'alice', name: 'Alice', admin: false, teams: ['ops'], avatarURL: '' };
const origin = { remoteIp: '10.0.0.7', timestampNs: Date.now() * 1e6 };

describe.each(databaseTargets())('stack access policies on $kind', (target) => {
  let database: TestDatabase;
  let policies: PolicyService;
  let logged: Array<Record<string, unknown>>;
  let stacks: Record<string, Stack>;

  /** A process of its own: its own evaluator and cache of compiled policies. */
  function newProcess() {
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    return new PolicyAccess({
      db: database.db,
      evaluator: new PolicyEvaluator({ db: database.db, logger }),
    });
  }

  const level = (access: PolicyAccess, viewer: Viewer, stack: Stack) =>
    new StackAccess(viewer, access.forRequest(origin)).level(stack);

  async function attached(stackId: string, name: string, body: string) {
    const policy = await policies.create('ACCESS', { name, body });
    await policies.attach(policy.id, stackId);
    return policy;
  }

  beforeAll(async () => {
    database = await openTestDatabase(target);
    policies = new PolicyService({
      db: database.db,
      compiler: new PolicyCompiler(requireTool('opa', process.env)),
    });
    const rows = await database.db
      .insert(schema.stacks)
      .values(
        ['plain', 'granted', 'denied', 'broken', 'changing'].map((id) => ({
          id,
          name: id,
          provider: 'RAW_GIT' as const,
          repository: `file:///${id}`,
          branch: 'main',
          labels: id === 'denied' ? ['frozen'] : [],
          writersSlug: 'ops',
        })),
      )
      .returning();
    stacks = Object.fromEntries(rows.map((row) => [row.id, row]));
    await attached(
      'granted',
      'Grant readers',
      'package spacelift\n\nread if input.session.login == "bob"\n',
    );
    await attached(
      'denied',
      'Allow Alice',
      'package spacelift\n\nwrite if input.session.login == "alice"\n',
    );
    await attached(
      'denied',
      'Freeze',
      'package spacelift\n\ndeny if "frozen" in input.stack.labels\n',
    );
    // Both definitions hold for any request, with different values: OPA's conflict error.
    await attached(
      'broken',
      'Conflicting',
      'package spacelift\n\nwrite := input.session.login\n\nwrite := input.stack.id\n',
    );
  });

  beforeEach(() => {
    logged = [];
  });

  afterAll(async () => {
    await database?.close();
  });

  it('leaves stacks without policies to their teams', async () => {
    const access = newProcess();
    expect(await level(access, alice, stacks.plain!)).toBe('write');
    expect(await level(access, { ...alice, teams: [] }, stacks.plain!)).toBe('none');
  });

  it('lets a policy grant beyond the teams', async () => {
    const bob: Viewer = { ...alice, id: 'bob', teams: [] };
    const access = newProcess();
    expect(await level(access, bob, stacks.granted!)).toBe('read');
    // Teams still give what they give: a policy's read does not take Alice's write away.
    expect(await level(access, alice, stacks.granted!)).toBe('write');
  });

  it('lets any deny win over every grant, from teams and policies alike', async () => {
    expect(await level(newProcess(), alice, stacks.denied!)).toBe('none');
    const access = newProcess();
    const thawed = { ...stacks.denied!, labels: [] };
    expect(await level(access, alice, thawed)).toBe('write');
  });

  it('denies for a policy that fails, and logs the failure with the policy id', async () => {
    const access = newProcess();
    // Alice's team gives write, but a broken policy may be a broken deny: nobody gets in.
    expect(await level(access, alice, stacks.broken!)).toBe('none');
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: 'evaluating stack access policy; denying access',
        policy: 'conflicting',
      }),
    );
  });

  it('counts a deny whatever its value: a message is a deny too', async () => {
    const policy = await attached(
      'plain',
      'Deny with a reason',
      'package spacelift\n\ndeny := "closed for the audit" if input.session.login == "alice"\n',
    );
    expect(await level(newProcess(), alice, stacks.plain!)).toBe('none');
    await policies.delete(policy.id);
  });

  it('uses a policy deleted and made again under the same name at once, in a process that had the old one', async () => {
    const bob: Viewer = { ...alice, id: 'bob', teams: [] };
    const before = await attached(
      'changing',
      'Again',
      'package spacelift\n\nwrite if input.session.login == "bob"\n',
    );
    const other = newProcess();
    expect(await level(other, bob, stacks.changing!)).toBe('write');
    await policies.delete(before.id);
    expect(await level(other, bob, stacks.changing!)).toBe('none');
    const after = await attached(
      'changing',
      'Again',
      'package spacelift\n\nread if input.session.login == "bob"\n',
    );
    expect(after.id).toBe(before.id);
    expect(await level(other, bob, stacks.changing!)).toBe('read');
    await policies.delete(after.id);
  });

  it('answers Slack requests only from policies: no allowing policy, no access', async () => {
    const access = newProcess();
    const slack = {
      command: '',
      user: { id: 'U1', real_name: 'Alice' },
      team: { id: 'T1', name: 'example' },
      channel: { id: 'C1', name: 'ops' },
    } as Parameters<PolicyAccess['forSlack']>[1];
    expect(await access.forSlack(stacks.plain!, slack)).toBe('none');
    expect(await access.forSlack(stacks.granted!, slack)).toBe('none');
    const policy = await attached(
      'plain',
      'Ops channel',
      'package spacelift\n\nwrite if input.slack.channel.name == "ops"\n',
    );
    expect(await access.forSlack(stacks.plain!, slack)).toBe('write');
    await policies.delete(policy.id);
    expect(await access.forSlack(stacks.plain!, slack)).toBe('none');
  });

  it('applies a change from the next decision on, in a process that had the old version', async () => {
    const bob: Viewer = { ...alice, id: 'bob', teams: [] };
    const policy = await attached(
      'changing',
      'Changing',
      'package spacelift\n\nread if input.session.login == "bob"\n',
    );
    const other = newProcess();
    expect(await level(other, bob, stacks.changing!)).toBe('read');
    await policies.update(policy.id, {
      name: 'Changing',
      body: 'package spacelift\n\nwrite if input.session.login == "bob"\n',
    });
    expect(await level(other, bob, stacks.changing!)).toBe('write');
    await policies.delete(policy.id);
    expect(await level(other, bob, stacks.changing!)).toBe('none');
  });
});
