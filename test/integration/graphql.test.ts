import fs from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/pglite';
import { decodeJwt, SignJWT } from 'jose';
import { schema } from '../support/tables';
import { RunState, RunType } from '../../src/runs/types';
import { startApiServer, type ApiServer } from '../support/api';
import { startGitLabServer, type GitLabServer } from '../support/gitlabServer';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';

// Applying prints 250 numbered lines, so the apply's logs take three pages.
const CODE = `
resource "terraform_data" "marker" {
  input = "one"

  provisioner "local-exec" {
    command = "seq 1 250"
  }
}
`;

const STACK_INPUT = (repository: string, extra: Record<string, unknown> = {}) => ({
  name: 'Payments',
  administrative: false,
  branch: 'main',
  repository,
  provider: 'RAW_GIT',
  readersSlug: 'auditors',
  writersSlug: 'payments-team',
  ...extra,
});

describe('the GraphQL API over HTTP', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let repo: TestRepo;

  const userWithTeams = (teams: string[], admin = false) => api.userToken(teams, admin);

  const runState = async (runId: string, token?: string) =>
    (
      await api.graphql<{ stack: { run: { state: string } | null } }>(
        `query ($id: ID!) { stack(id: "payments") { run(id: $id) { state } } }`,
        { id: runId },
        token,
      )
    ).data?.stack?.run?.state;

  const pollUntil = async (runId: string, state: string) => {
    const deadline = Date.now() + 90_000;
    let current: string | undefined;
    while (Date.now() < deadline) {
      current = await runState(runId);
      if (current === state) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`run ${runId} is ${current}, not ${state}`);
  };

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': CODE }, 'Add the marker\n\nWith a longer body.');
    harness = await startRunHarness();
    api = await startApiServer(harness);
  });

  afterAll(async () => {
    await api?.close();
    await harness?.stop();
    await repo?.remove();
  });

  let confirmedRunId: string;

  it('creates a stack, triggers a run, confirms it and pages through its logs, as a client would', async () => {
    const created = await api.graphql<{ stackCreate: { id: string; state: string } }>(
      `mutation ($input: StackInput!) {
        stackCreate(input: $input, manageState: true) { id state provider canWrite }
      }`,
      { input: STACK_INPUT(repo.url) },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.stackCreate).toEqual({
      id: 'payments',
      state: 'NONE',
      provider: 'RAW_GIT',
      canWrite: true,
    });

    const triggered = await api.graphql<{ runTrigger: { id: string; state: string } }>(
      `mutation { runTrigger(stack: "payments") { id state type triggeredBy } }`,
    );
    expect(triggered.data!.runTrigger).toMatchObject({
      state: 'QUEUED',
      type: 'TRACKED',
      triggeredBy: 'admin',
    });
    const runId = triggered.data!.runTrigger.id;
    confirmedRunId = runId;

    await pollUntil(runId, 'UNCONFIRMED');
    const waiting = await api.graphql<{
      stack: { state: string; blocker: { id: string }; run: Record<string, unknown> };
    }>(
      `query ($id: ID!) { stack(id: "payments") {
        state blocker { id }
        run(id: $id) {
          title finished
          commit { hash message authorName timestamp }
          delta { addCount changeCount deleteCount addResources resources }
        }
      } }`,
      { id: runId },
    );
    expect(waiting.data!.stack).toMatchObject({
      state: 'UNCONFIRMED',
      blocker: { id: runId },
      run: {
        title: 'Add the marker',
        finished: false,
        commit: { message: 'Add the marker', authorName: 'Ada Lovelace' },
        delta: {
          addCount: 1,
          changeCount: 0,
          deleteCount: 0,
          addResources: ['terraform_data.marker'],
          resources: 0,
        },
      },
    });

    const confirmed = await api.graphql<{ runConfirm: { state: string } }>(
      `mutation ($run: ID!) { runConfirm(stack: "payments", run: $run) { state } }`,
      { run: runId },
    );
    expect(confirmed.data!.runConfirm.state).toBe('CONFIRMED');
    await pollUntil(runId, 'FINISHED');

    // Page through the apply's logs with the tokens the API hands out.
    const lines: string[] = [];
    let token: string | null = null;
    let pages = 0;
    for (;;) {
      const page: {
        data?: {
          stack: {
            run: {
              logs: {
                exists: boolean;
                finished: boolean;
                hasMore: boolean;
                nextToken: string;
                messages: Array<{ message: string; timestamp: number }>;
              };
            };
          };
        };
      } = await api.graphql(
        `query ($id: ID!, $token: String) { stack(id: "payments") { run(id: $id) {
          logs(state: APPLYING, token: $token) { exists finished hasMore nextToken messages { message timestamp } }
        } } }`,
        { id: runId, token },
      );
      const logs = page.data!.stack.run.logs;
      expect(logs).toMatchObject({ exists: true, finished: true });
      // Each line with its newline, as spacectl prints them.
      expect(logs.messages.every((line) => line.message.endsWith('\n'))).toBe(true);
      lines.push(...logs.messages.map((line) => line.message));
      pages += 1;
      if (!logs.hasMore) break;
      token = logs.nextToken;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    // local-exec output comes as "terraform_data.marker (local-exec): 17".
    const numbers = lines.flatMap((line) => /\(local-exec\): (\d+)\s*$/.exec(line)?.[1] ?? []);
    expect(numbers).toEqual(Array.from({ length: 250 }, (_, index) => String(index + 1)));

    const after = await api.graphql<{
      stack: {
        state: string;
        blocker: null;
        runs: Array<{ id: string }>;
        run: Record<string, unknown>;
      };
    }>(
      `query ($id: ID!) { stack(id: "payments") {
        state stateSetAt blocker { id } runs { id }
        run(id: $id) {
          finished history { state stateVersion terminal hasLogs username until timestamp }
          again: logs(state: APPLYING, stateVersion: 1) { exists finished }
        }
      } }`,
      { id: runId },
    );
    expect(after.data!.stack).toMatchObject({
      state: 'FINISHED',
      blocker: null,
      runs: [{ id: runId }],
    });
    // When the state was set: the run's last transition, FINISHED.
    const finishedAt = (
      after.data!.stack.run as { history: Array<{ state: string; timestamp: number }> }
    ).history[0]!.timestamp;
    expect((after.data!.stack as unknown as { stateSetAt: number }).stateSetAt).toBe(finishedAt);
    const history = (after.data!.stack.run as { history: Array<Record<string, unknown>> }).history;
    // Newest first, as Spacelift lists it.
    expect(history.map((transition) => transition.state)).toEqual([
      'FINISHED',
      'APPLYING',
      'CONFIRMED',
      'UNCONFIRMED',
      'PLANNING',
      'INITIALIZING',
      'QUEUED',
    ]);
    expect(history.find((transition) => transition.state === 'CONFIRMED')).toMatchObject({
      username: 'admin',
    });
    expect(history[0]).toMatchObject({ terminal: true, until: null });
    // A run that was not replanned enters each state once: every transition is a first visit.
    expect(history.every((transition) => transition.stateVersion === 0)).toBe(true);
    expect((after.data!.stack.run as { again: unknown }).again).toEqual({
      exists: false,
      finished: true,
    });
    expect(history.at(-1)).toMatchObject({ state: 'QUEUED', terminal: false, hasLogs: false });
    expect(history.find((transition) => transition.state === 'APPLYING')).toMatchObject({
      hasLogs: true,
    });
  });

  it('lets a reader see a stack but not confirm, discard or trigger; nothing changes', async () => {
    const reader = await userWithTeams(['auditors']);
    const seen = await api.graphql<{ stacks: Array<{ id: string; canWrite: boolean }> }>(
      `{ stacks { id canWrite } }`,
      {},
      reader,
    );
    expect(seen.data!.stacks).toEqual([{ id: 'payments', canWrite: false }]);

    await repo.commit({ 'main.tf': CODE.replace('"one"', '"two"') }, 'Change the marker');
    const run = await harness.service.trackHead('payments', { triggeredBy: 'someone' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    const refused = await api.graphql(
      `mutation ($run: ID!) { runConfirm(stack: "payments", run: $run) { state } }`,
      { run: run.id },
      reader,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toMatch(/writers team "payments-team"/);
    const trigger = await api.graphql(
      `mutation { runTrigger(stack: "payments") { id } }`,
      {},
      reader,
    );
    expect(trigger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await runState(run.id)).toBe('UNCONFIRMED');

    // A writer may decide.
    const writer = await userWithTeams(['payments-team']);
    const discarded = await api.graphql<{ runDiscard: { state: string } }>(
      `mutation ($run: ID!) { runDiscard(stack: "payments", run: $run) { state } }`,
      { run: run.id },
      writer,
    );
    expect(discarded.data!.runDiscard.state).toBe('DISCARDED');
    const late = await api.graphql(
      `mutation ($run: ID!) { runConfirm(stack: "payments", run: $run) { state } }`,
      { run: run.id },
      writer,
    );
    expect(late.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(late.errors?.[0]?.message).toMatch(/DISCARDED/);
  });

  it('shows an outsider nothing: no stacks in lists, not found by id, and no way to act', async () => {
    const outsider = await userWithTeams(['other-team']);
    const list = await api.graphql<{ stacks: unknown[]; stack: unknown }>(
      `{ stacks { id } stack(id: "payments") { id } }`,
      {},
      outsider,
    );
    expect(list.data).toEqual({ stacks: [], stack: null });
    const trigger = await api.graphql(
      `mutation { runTrigger(stack: "payments") { id } }`,
      {},
      outsider,
    );
    expect(trigger.errors?.[0]).toMatchObject({
      message: 'stack "payments" does not exist',
      extensions: { code: 'NOT_FOUND' },
    });
    const missing = await api.graphql(
      `mutation { runTrigger(stack: "nope") { id } }`,
      {},
      outsider,
    );
    expect(missing.errors?.[0]?.message).toBe('stack "nope" does not exist');
    const admin = await api.graphql(`{ contexts { id } }`, {}, outsider);
    expect(admin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses expired, forged and missing tokens', async () => {
    const key = harness.box.deriveKey('jwt');
    const sign = (expiresAt: number, secret: Uint8Array = key) =>
      new SignJWT({ name: 'Mallory', admin: true, teams: [] })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('gantry')
        .setSubject('mallory')
        .setIssuedAt(expiresAt - 3600)
        .setExpirationTime(expiresAt)
        .sign(secret);
    const now = Math.floor(Date.now() / 1000);

    const expired = await api.graphql(`{ stacks { id } }`, {}, await sign(now - 10));
    expect(expired.status).toBe(401);
    expect(expired.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(expired.errors?.[0]?.message).toMatch(/expired/);

    const forged = await api.graphql(
      `{ stacks { id } }`,
      {},
      await sign(now + 3600, new Uint8Array(32).fill(7)),
    );
    expect(forged.status).toBe(401);
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const anonymous = await api.graphql<{ viewer: null }>(`{ viewer { id } }`, {}, null);
    expect(anonymous.data).toEqual({ viewer: null });
    const needsToken = await api.graphql(`{ stacks { id } }`, {}, null);
    expect(needsToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const wrongSecret = await api.graphql(
      `mutation { apiKeyUser(id: "01J00000000000000000000000", secret: "guess") { jwt } }`,
      {},
      null,
    );
    expect(wrongSecret.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("gives tokens whose audience is the API's address, as Spacelift's clients read it, and still takes tokens without one", async () => {
    const token = await userWithTeams(['platform']);
    expect(decodeJwt(token).aud).toBe(api.url);

    const withoutAudience = await new SignJWT({ name: 'Old', admin: false, teams: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('gantry')
      .setSubject('old-token')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(harness.box.deriveKey('jwt'));
    const seen = await api.graphql<{ viewer: { id: string } }>(
      `{ viewer { id } }`,
      {},
      withoutAudience,
    );
    expect(seen.data?.viewer.id).toBe('old-token');

    // spacectl asks which Spacelift it talks to before every command, with its token.
    const debug = await api.graphql<{ debugInfo: { selfHostedVersion: string } }>(
      `{ debugInfo { selfHostedVersion } }`,
      {},
      token,
    );
    expect(debug.data!.debugInfo.selfHostedVersion).toMatch(/^\d+\.\d+\.\d+$/);
    const anonymous = await api.graphql(`{ debugInfo { selfHostedVersion } }`, {}, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers bad input with the right code and changes nothing', async () => {
    const before = await harness.database.db.select().from(schema.stacks);

    const unknown = await api.graphql(`mutation { stackLock(id: "ghost") { id } }`);
    expect(unknown.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });

    const malformed = await api.graphql(`{ stacks { id `);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.message).toMatch(/Syntax Error/);

    const unknownField = await api.graphql(`{ stacks { id password } }`);
    expect(unknownField.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const wrongTypes = await api.graphql(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      { input: { name: 42, branch: ['main'], repository: 'x', administrative: 'yes' } },
    );
    expect(wrongTypes.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const invalid = await api.graphql(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      { input: STACK_INPUT(repo.url, { name: 'Escape', projectRoot: '../outside' }) },
    );
    expect(invalid.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(invalid.errors?.[0]?.message).toMatch(/projectRoot/);

    const duplicate = await api.graphql(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      { input: STACK_INPUT(repo.url) },
    );
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const oversized = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify({
        query: `mutation ($d: String) { contextCreate(name: "big", description: $d) { id } }`,
        variables: { d: 'x'.repeat(100 * 1024) },
      }),
    });
    expect(oversized.status).toBe(413);
    expect(await oversized.json()).toMatchObject({
      errors: [{ extensions: { code: 'BAD_USER_INPUT' } }],
    });

    const notJson = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: '{"query": ',
    });
    expect(notJson.status).toBe(400);

    // One request may not ask for the same list over and over under aliases.
    const aliases = Array.from({ length: 25 }, (_, index) => `s${index}: stacks { id }`);
    const greedy = await api.graphql(`{ ${aliases.join(' ')} }`);
    expect(greedy.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(greedy.errors?.[0]?.message).toMatch(/Aliases limit of 20/);

    expect(await harness.database.db.select().from(schema.stacks)).toEqual(before);
    expect(await harness.database.db.select().from(schema.contexts)).toEqual([]);
  });

  it('serves config, contexts and the runtime config with where each element comes from', async () => {
    const mutation = (query: string, variables: Record<string, unknown>) =>
      api.graphql(query, variables).then((answer) => {
        expect(answer.errors).toBeUndefined();
        return answer.data!;
      });
    await mutation(
      `mutation { contextCreate(name: "Shared AWS", description: "creds") { id } }`,
      {},
    );
    await mutation(
      `mutation ($config: ConfigInput!) { contextConfigAdd(context: "shared-aws", config: $config) { id } }`,
      {
        config: {
          id: 'AWS_REGION',
          type: 'ENVIRONMENT_VARIABLE',
          value: 'eu-west-1',
          writeOnly: false,
        },
      },
    );
    await mutation(
      `mutation ($config: ConfigInput!) { contextConfigAdd(context: "shared-aws", config: $config) { id } }`,
      {
        config: {
          id: 'TF_VAR_token',
          type: 'ENVIRONMENT_VARIABLE',
          value: 'from-context',
          writeOnly: false,
        },
      },
    );
    await mutation(
      `mutation { contextAttach(id: "shared-aws", stack: "payments", priority: 1) { id } }`,
      {},
    );
    const added = await mutation(
      `mutation ($config: ConfigInput!) { stackConfigAdd(stack: "payments", config: $config) { id value writeOnly checksum } }`,
      {
        config: {
          id: 'TF_VAR_token',
          type: 'ENVIRONMENT_VARIABLE',
          value: 's3cret',
          writeOnly: true,
        },
      },
    );
    expect(added).toEqual({
      stackConfigAdd: {
        id: 'TF_VAR_token',
        value: null,
        writeOnly: true,
        checksum: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      },
    });

    const stack = await api.graphql<{ stack: Record<string, unknown> }>(`{ stack(id: "payments") {
      config { id value }
      attachedContexts { contextId contextName priority config { id } }
      runtimeConfig { element { id value writeOnly } context { contextId contextName priority } }
    } }`);
    expect(stack.data!.stack).toEqual({
      config: [{ id: 'TF_VAR_token', value: null }],
      attachedContexts: [
        {
          contextId: 'shared-aws',
          contextName: 'Shared AWS',
          priority: 1,
          config: [{ id: 'AWS_REGION' }, { id: 'TF_VAR_token' }],
        },
      ],
      runtimeConfig: [
        {
          element: { id: 'AWS_REGION', value: 'eu-west-1', writeOnly: false },
          context: { contextId: 'shared-aws', contextName: 'Shared AWS', priority: 1 },
        },
        { element: { id: 'TF_VAR_token', value: null, writeOnly: true }, context: null },
      ],
    });
    const context = await api.graphql<{
      context: Record<string, unknown>;
    }>(`{ context(id: "shared-aws") {
      name description attachedStacks { stackId stackName priority } attachedStack(id: "payments") { priority }
    } }`);
    expect(context.data!.context).toEqual({
      name: 'Shared AWS',
      description: 'creds',
      attachedStacks: [{ stackId: 'payments', stackName: 'Payments', priority: 1 }],
      attachedStack: { priority: 1 },
    });
  });

  it('pages runs and tasks 50 at a time, newest first', async () => {
    const now = Date.now();
    const rows = Array.from({ length: 110 }, (_, index) => ({
      id: `01JPAGE${String(index).padStart(19, '0')}`,
      stackId: 'payments',
      type: index % 2 === 0 ? RunType.TASK : RunType.TRACKED,
      state: RunState.FINISHED,
      branch: 'main',
      commitHash: 'a'.repeat(40),
      command: 'true',
      createdAt: new Date(now + index),
      updatedAt: new Date(now + index),
    }));
    await harness.database.db.insert(schema.runs).values(rows);
    const page = async (field: 'runs' | 'tasks', before: string | null) =>
      (
        await api.graphql<{ stack: Record<string, Array<{ id: string }>> }>(
          `query ($before: ID) { stack(id: "payments") { ${field}(before: $before) { id } } }`,
          { before },
        )
      ).data!.stack[field]!.map((run) => run.id);
    const tasks = rows
      .filter((row) => row.type === RunType.TASK)
      .map((row) => row.id)
      .reverse();
    expect(await page('tasks', null)).toEqual(tasks.slice(0, 50));
    expect(await page('tasks', tasks[49]!)).toEqual(tasks.slice(50));

    // 55 inserted, and the two runs of the tests above, which are newer.
    const first = await page('runs', null);
    expect(first).toHaveLength(50);
    expect(first).toEqual([...first].sort().reverse());
    const second = await page('runs', first.at(-1)!);
    expect(second).toHaveLength(7);
    expect(second.every((id) => id < first.at(-1)!)).toBe(true);
    expect(await page('runs', second.at(-1)!)).toEqual([]);
  });

  it('imports an existing state file uploaded to a pre-signed URL', async () => {
    const upload = await api.graphql<{ stateUploadUrl: { objectId: string; url: string } }>(
      `mutation { stateUploadUrl { objectId url } }`,
    );
    const { objectId, url } = upload.data!.stateUploadUrl;
    const state = JSON.stringify({ version: 4, serial: 7, lineage: 'abc-123', resources: [] });
    const forged = await fetch(url.replace(/signature=[^&]+/, 'signature=forged'), {
      method: 'PUT',
      body: state,
    });
    expect(forged.status).toBe(403);
    expect((await fetch(url, { method: 'PUT', body: state })).status).toBe(200);

    const created = await api.graphql<{ stackCreate: { id: string; managesStateFile: boolean } }>(
      `mutation ($input: StackInput!, $object: String) {
        stackCreate(input: $input, manageState: true, stackObjectID: $object) { id managesStateFile }
      }`,
      { input: STACK_INPUT(repo.url, { name: 'Imported' }), object: objectId },
    );
    expect(created.data!.stackCreate).toEqual({ id: 'imported', managesStateFile: true });
    const versions = await harness.database.db.select().from(schema.stateVersions);
    expect(versions.filter((version) => version.stackId === 'imported')).toMatchObject([
      { version: 1, serial: 7, lineage: 'abc-123' },
    ]);
    const again = await api.graphql(
      `mutation ($input: StackInput!, $object: String) {
        stackCreate(input: $input, manageState: true, stackObjectID: $object) { id }
      }`,
      { input: STACK_INPUT(repo.url, { name: 'Imported twice' }), object: objectId },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("shows a stack's outputs, hiding sensitive ones, and hands its writers a pre-signed state download", async () => {
    const upload = await api.graphql<{ stateUploadUrl: { objectId: string; url: string } }>(
      `mutation { stateUploadUrl { objectId url } }`,
    );
    const { objectId, url } = upload.data!.stateUploadUrl;
    const state = JSON.stringify({
      version: 4,
      serial: 3,
      lineage: 'out-1',
      outputs: {
        vpc_id: { value: 'vpc-123', type: 'string' },
        subnets: { value: ['a', 'b'], type: ['list', 'string'] },
        password: { value: 'hunter2', type: 'string', sensitive: true },
      },
      resources: [
        {
          module: 'module.db',
          mode: 'managed',
          type: 'aws_db_instance',
          name: 'main',
          provider: 'provider["registry.opentofu.org/hashicorp/aws"]',
          instances: [
            {
              index_key: 'eu',
              status: 'tainted',
              attributes: { id: 'db-1', password: 'hunter2' },
              sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]],
            },
          ],
        },
      ],
    });
    expect((await fetch(url, { method: 'PUT', body: state })).status).toBe(200);
    const created = await api.graphql(
      `mutation ($input: StackInput!, $object: String) {
        stackCreate(input: $input, manageState: true, stackObjectID: $object) { id }
      }`,
      { input: STACK_INPUT(repo.url, { name: 'With outputs' }), object: objectId },
    );
    expect(created.errors).toBeUndefined();

    // spacectl's stack outputs, as it sends it.
    const outputs = await api.graphql<{ stack: { outputs: unknown[] } }>(
      `query($stackId:ID!){stack(id: $stackId){id,name,outputs{id,sensitive,description,value}}}`,
      { stackId: 'with-outputs' },
    );
    expect(outputs.data!.stack.outputs).toEqual([
      { id: 'password', sensitive: true, description: null, value: null },
      { id: 'subnets', sensitive: false, description: null, value: '["a","b"]' },
      { id: 'vpc_id', sensitive: false, description: null, value: '"vpc-123"' },
    ]);

    // spacectl's stack resources list, as it sends it: values only for those who may write.
    const resources = `query($id:ID!){stack(id: $id){id,labels,space,name,entities{id,address,creator{id},drifted,name,parent,thirdPartyMetadata,type,updater{id},vendor{... on EntityVendorTerraform{terraform{... on TerraformResource{address,mode,module,provider,tainted,values},... on TerraformOutput{sensitive,value,hash}}}}}}}`;
    const listed = await api.graphql<{ stack: { entities: Array<Record<string, unknown>> } }>(
      resources,
      { id: 'with-outputs' },
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.stack.entities).toEqual([
      {
        id: 'module.db.aws_db_instance.main["eu"]',
        address: 'module.db.aws_db_instance.main["eu"]',
        creator: null,
        drifted: null,
        name: 'main',
        parent: 'module.db',
        thirdPartyMetadata: null,
        type: 'aws_db_instance',
        updater: null,
        vendor: {
          terraform: {
            address: 'module.db.aws_db_instance.main["eu"]',
            mode: 'managed',
            module: 'module.db',
            provider: 'provider["registry.opentofu.org/hashicorp/aws"]',
            tainted: true,
            values: '{"id":"db-1","password":null}',
          },
        },
      },
    ]);

    // spacectl's state pull: a URL that needs no token, for the stack's writers only.
    const download = await api.graphql<{ stateDownloadUrl: { url: string } }>(
      `mutation($input:StateDownloadUrlInput!){stateDownloadUrl(input: $input){url}}`,
      { input: { stackId: 'with-outputs' } },
    );
    const pulled = await fetch(download.data!.stateDownloadUrl.url);
    expect(pulled.status).toBe(200);
    expect(await pulled.text()).toBe(state);
    const forged = await fetch(
      download.data!.stateDownloadUrl.url.replace(/signature=[^&]+/, 'signature=forged'),
    );
    expect(forged.status).toBe(403);
    const reader = await userWithTeams(['auditors']);
    const refused = await api.graphql(
      `mutation($input:StateDownloadUrlInput!){stateDownloadUrl(input: $input){url}}`,
      { input: { stackId: 'with-outputs' } },
      reader,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asReader = await api.graphql<{
      stack: { entities: Array<{ vendor: { terraform: { values: string } } }> };
    }>(resources, { id: 'with-outputs' }, reader);
    expect(asReader.data!.stack.entities[0]!.vendor.terraform.values).toBe('{}');
  });

  it('disables a stack, which then starts no runs and says so, until it is enabled', async () => {
    const disabled = await api.graphql<{ stackDisable: { id: string; isDisabled: boolean } }>(
      `mutation { stackDisable(id: "payments") { id isDisabled } }`,
    );
    expect(disabled.data!.stackDisable).toEqual({ id: 'payments', isDisabled: true });
    for (const mutation of [
      `mutation { runTrigger(stack: "payments") { id } }`,
      `mutation { taskCreate(stack: "payments", command: "true") { id } }`,
    ]) {
      const refused = await api.graphql(mutation);
      expect(refused.errors?.[0]).toMatchObject({
        message:
          'stack "payments" is disabled and starts no runs; enable it with stackEnable first',
        extensions: { code: 'CONFLICT' },
      });
    }
    const reader = await userWithTeams([]);
    const forbidden = await api.graphql(
      `mutation { stackEnable(id: "payments") { id } }`,
      {},
      reader,
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);

    const enabled = await api.graphql<{ stackEnable: { isDisabled: boolean } }>(
      `mutation { stackEnable(id: "payments") { isDisabled } }`,
    );
    expect(enabled.data!.stackEnable.isDisabled).toBe(false);
    const shown = await api.graphql<{ stack: { isDisabled: boolean } }>(
      `{ stack(id: "payments") { isDisabled } }`,
    );
    expect(shown.data!.stack.isDisabled).toBe(false);

    // Disabled and triggered in one request: the trigger sees the stack as the first left it,
    // not as the request read it before.
    const together = await api.graphql(
      `mutation { stackDisable(id: "payments") { id } runTrigger(stack: "payments") { id } }`,
    );
    expect(together.errors?.[0]).toMatchObject({
      message: 'stack "payments" is disabled and starts no runs; enable it with stackEnable first',
      path: ['runTrigger'],
    });
    await api.graphql(`mutation { stackEnable(id: "payments") { id } }`);
  });

  it('locks a stack for one person, stores the AWS role, and reports usage', async () => {
    const writer = await userWithTeams(['payments-team']);
    const locked = await api.graphql<{ stackLock: { lockedBy: string; lockNote: string } }>(
      `mutation { stackLock(id: "payments", note: "migrating the VPC") { lockedBy lockNote } }`,
      {},
      writer,
    );
    expect(locked.data!.stackLock.lockedBy).toMatch(/^api-key\//);
    expect(locked.data!.stackLock.lockNote).toBe('migrating the VPC');
    const refused = await api.graphql(`mutation { runTrigger(stack: "payments") { id } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const unlocked = await api.graphql<{ stackUnlock: { lockedBy: null; lockNote: null } }>(
      `mutation { stackUnlock(id: "payments") { lockedBy lockNote } }`,
    );
    expect(unlocked.data!.stackUnlock).toEqual({ lockedBy: null, lockNote: null });

    const role = await api.graphql<{ stackSetAwsRoleDelegation: { awsAssumedRoleARN: string } }>(
      `mutation { stackSetAwsRoleDelegation(id: "payments", roleArn: "arn:aws:iam::123456789012:role/deployer") { awsAssumedRoleARN } }`,
    );
    expect(role.data!.stackSetAwsRoleDelegation.awsAssumedRoleARN).toBe(
      'arn:aws:iam::123456789012:role/deployer',
    );
    const badRole = await api.graphql(
      `mutation { stackSetAwsRoleDelegation(id: "payments", roleArn: "deployer") { id } }`,
    );
    expect(badRole.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const usage = await api.graphql<{
      usage: { usedMinutes: number; usedSeats: number; logins: Array<{ username: string }> };
      name: string;
      type: string;
      viewer: { id: string; admin: boolean; jwt: string };
    }>(`{ usage { usedMinutes usedSeats logins { username } } name type viewer { id admin jwt } }`);
    expect(usage.data!.usage.usedMinutes).toBeGreaterThanOrEqual(1);
    expect(usage.data!.usage.usedSeats).toBe(usage.data!.usage.logins.length);
    expect(usage.data!.usage.logins.every((login) => login.username.startsWith('api-key/'))).toBe(
      true,
    );
    expect(usage.data).toMatchObject({ name: 'gantry-test', type: 'ORG' });
    // The admin's viewer carries a JWT that works in place of the admin token.
    const viaJwt = await api.graphql<{ viewer: { id: string } }>(
      `{ viewer { id } }`,
      {},
      usage.data!.viewer.jwt,
    );
    expect(viaJwt.data!.viewer.id).toBe('admin');
    expect(confirmedRunId).toBeDefined();
  });

  it('reads a list of stacks with a fixed number of queries, however many stacks there are', async () => {
    let queries = 0;
    const counted = drizzle(harness.database.pglite!, {
      logger: { logQuery: () => (queries += 1) },
    });
    const countingApi = await startApiServer(harness, { db: counted });
    const addStacks = async (from: number, count: number) => {
      for (let index = from; index < from + count; index += 1) {
        const id = `fleet-${index}`;
        await harness.database.db.insert(schema.stacks).values({
          id,
          name: id,
          provider: 'RAW_GIT',
          repository: repo.url,
          branch: 'main',
        });
        await harness.database.db.insert(schema.runs).values(
          [0, 1, 2].map((run) => ({
            id: `01JFLEET${String(index).padStart(4, '0')}${String(run).padStart(14, '0')}`,
            stackId: id,
            type: RunType.TRACKED,
            state: RunState.FINISHED,
            branch: 'main',
            commitHash: 'b'.repeat(40),
          })),
        );
      }
    };
    const queriesFor = async () => {
      queries = 0;
      const answer = await countingApi.graphql(`{ stacks {
        id state canWrite blocker { id } config { id } attachedContexts { contextName }
        runtimeConfig { element { id } context { contextName } }
        runs { id commit { hash } history { state hasLogs } }
      } }`);
      expect(answer.errors).toBeUndefined();
      return queries;
    };
    try {
      await addStacks(0, 10);
      const forSome = await queriesFor();
      await addStacks(10, 40);
      expect(await queriesFor()).toBe(forSome);
      expect(forSome).toBeLessThan(15);
    } finally {
      await countingApi.close();
    }
  });

  it('runs a chosen commit, keeps a stack on the commit someone set, and previews on request', async () => {
    type Commit = { hash: string; message: string };
    const older = await repo.commit({ 'note.txt': 'older' }, 'Older note');
    const newer = await repo.commit({ 'note.txt': 'newer' }, 'Newer note');

    const set = await api.graphql<{
      stackSetCurrentCommit: { trackedCommit: Commit; trackedCommitSetBy: string };
    }>(
      `mutation ($sha: String!) { stackSetCurrentCommit(id: "payments", sha: $sha) { trackedCommit { hash message } trackedCommitSetBy } }`,
      { sha: older },
    );
    expect(set.data!.stackSetCurrentCommit).toEqual({
      trackedCommit: { hash: older, message: 'Older note' },
      trackedCommitSetBy: 'admin',
    });

    // A preview of the tracked commit, then one of a commit named by hash.
    const preview = await api.graphql<{ runTrigger: { id: string; type: string; commit: Commit } }>(
      `mutation { runTrigger(stack: "payments", runType: PROPOSED) { id type commit { hash message } } }`,
    );
    expect(preview.data!.runTrigger).toMatchObject({ type: 'PROPOSED', commit: { hash: older } });
    const chosen = await api.graphql<{ runTrigger: { id: string; type: string; commit: Commit } }>(
      `mutation ($sha: String) { runTrigger(stack: "payments", commitSha: $sha, runType: PROPOSED) { id type commit { hash } } }`,
      { sha: newer },
    );
    expect(chosen.data!.runTrigger).toMatchObject({ type: 'PROPOSED', commit: { hash: newer } });
    await pollUntil(preview.data!.runTrigger.id, 'FINISHED');
    await pollUntil(chosen.data!.runTrigger.id, 'FINISHED');

    const unknown = await api.graphql(
      `mutation { runTrigger(stack: "payments", commitSha: "${'0'.repeat(40)}", runType: PROPOSED) { id } }`,
    );
    expect(unknown.errors?.[0]?.message).toContain(`fetching commit ${'0'.repeat(40)}`);
    const task = await api.graphql(
      `mutation { runTrigger(stack: "payments", runType: TASK) { id } }`,
    );
    expect(task.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const synced = await api.graphql<{ stackSyncCommit: { trackedCommit: Commit } }>(
      `mutation { stackSyncCommit(id: "payments") { trackedCommit { hash message } } }`,
    );
    expect(synced.data!.stackSyncCommit.trackedCommit).toEqual({
      hash: newer,
      message: 'Newer note',
    });
  });

  it("answers spacectl's stack show, run list (JSON), environment list and dependencies as it sends them", async () => {
    const documents = fs
      .readFileSync(path.join(__dirname, '../fixtures/spacelift-clients/documents.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { commands: string[]; query: string });
    // The document of `command` that selects `field`.
    const sent = (command: string, field: string) =>
      documents.find(
        (document) => document.commands.includes(command) && document.query.includes(field),
      )!.query;

    const show = await api.graphql<{ stack: Record<string, unknown> }>(
      sent('stack-show', 'moduleVersionsUsed'),
      {
        stackId: 'payments',
      },
    );
    expect(show.errors).toBeUndefined();
    expect(show.data!.stack).toMatchObject({
      id: 'payments',
      moduleVersionsUsed: [],
      additionalProjectGlobs: [],
      vendorConfig: { __typename: 'StackConfigVendorTerraform', workspace: null },
    });

    const runs = await api.graphql<{
      stack: { runs: Array<{ id: string; canRetry: boolean; isMostRecent: boolean }> };
    }>(sent('stack-run-list-json', 'isMostRecent'), { stackId: 'payments', before: null });
    expect(runs.errors).toBeUndefined();
    const [newest, ...older] = runs.data!.stack.runs;
    expect(newest).toMatchObject({ isMostRecent: true, comments: [], needsApproval: false });
    expect(older.every((run) => !run.isMostRecent)).toBe(true);
    expect(runs.data!.stack.runs.some((run) => run.canRetry)).toBe(true);

    const environment = await api.graphql(sent('stack-environment-list', 'isAutoattached'), {
      stack: 'payments',
    });
    expect(environment.errors).toBeUndefined();
    const dependencies = await api.graphql<{ stack: Record<string, unknown> }>(
      sent('stack-dependencies-on', 'isDependedOnBy'),
      { id: 'payments' },
    );
    expect(dependencies.data!.stack).toMatchObject({ dependsOn: [], isDependedOnBy: [] });
  });

  it("starts spacectl's deploy and preview as it sends them, and refuses a runtime config it cannot apply", async () => {
    const deploy = `mutation($runtimeConfig:RuntimeConfigInput$sha:String$stack:ID!$type:RunType){runTrigger(stack: $stack, commitSha: $sha, runType: $type, runtimeConfig: $runtimeConfig){id}}`;
    const preview = await api.graphql<{ runTrigger: { id: string } }>(deploy, {
      runtimeConfig: null,
      sha: null,
      stack: 'payments',
      type: 'PROPOSED',
    });
    expect(preview.errors).toBeUndefined();
    await pollUntil(preview.data!.runTrigger.id, 'FINISHED');

    const withConfig = await api.graphql(deploy, {
      runtimeConfig: { yaml: 'runner_image: custom/runner:1\n' },
      sha: null,
      stack: 'payments',
      type: 'PROPOSED',
    });
    expect(withConfig.errors?.[0]).toMatchObject({
      message: expect.stringContaining(
        'runtimeConfig: runner_image: Gantry runs OpenTofu on the worker',
      ) as string,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it("records spacectl's approve and reject on a run under way, and says when there is none", async () => {
    const review = `mutation($decision:RunReviewDecision!$note:String!$run:ID$stack:ID!){runReview(stack: $stack, run: $run, decision: $decision, note: $note){id}}`;
    const triggered = await api.graphql<{ runTrigger: { id: string } }>(
      `mutation { runTrigger(stack: "payments", runType: PROPOSED) { id } }`,
    );
    const runId = triggered.data!.runTrigger.id;
    const approved = await api.graphql(review, {
      decision: 'APPROVE',
      note: 'looks right',
      run: runId,
      stack: 'payments',
    });
    expect(approved.errors).toBeUndefined();
    await api.graphql(review, { decision: 'REJECT', note: '', run: runId, stack: 'payments' });
    const reviews = await api.graphql<{
      stack: { run: { reviews: Array<Record<string, unknown>>; needsApproval: boolean } };
    }>(
      `query ($id: ID!) { stack(id: "payments") { run(id: $id) { needsApproval reviews { decision note username timestamp } } } }`,
      { id: runId },
    );
    expect(reviews.data!.stack.run.reviews).toEqual([
      {
        decision: 'APPROVE',
        note: 'looks right',
        username: 'admin',
        timestamp: expect.any(Number) as number,
      },
      {
        decision: 'REJECT',
        note: null,
        username: 'admin',
        timestamp: expect.any(Number) as number,
      },
    ]);
    expect(reviews.data!.stack.run.needsApproval).toBe(false);

    const noRun = await api.graphql(review, {
      decision: 'APPROVE',
      note: '',
      run: null,
      stack: 'payments',
    });
    expect(noRun.errors?.[0]).toMatchObject({
      message: 'stack "payments" has no run under way to review; name the run to review',
      extensions: { code: 'CONFLICT' },
    });
    await pollUntil(runId, 'FINISHED');
    const late = await api.graphql(review, {
      decision: 'APPROVE',
      note: '',
      run: runId,
      stack: 'payments',
    });
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it("prioritizes a run under way as spacectl's prioritize sends it, and not one that ended", async () => {
    const prioritize = `mutation($prioritize:Boolean!$runId:ID!$stackId:ID!){runPrioritizeSet(stack: $stackId, run: $runId, prioritize: $prioritize){id}}`;
    const triggered = await api.graphql<{ runTrigger: { id: string } }>(
      `mutation { runTrigger(stack: "payments", runType: PROPOSED) { id } }`,
    );
    const runId = triggered.data!.runTrigger.id;
    const set = await api.graphql(prioritize, { prioritize: true, runId, stackId: 'payments' });
    expect(set.errors).toBeUndefined();
    const shown = await api.graphql<{ stack: { run: { isPrioritized: boolean } } }>(
      `query ($id: ID!) { stack(id: "payments") { run(id: $id) { isPrioritized } } }`,
      { id: runId },
    );
    expect(shown.data!.stack.run.isPrioritized).toBe(true);
    await pollUntil(runId, 'FINISHED');
    const late = await api.graphql(prioritize, { prioritize: false, runId, stackId: 'payments' });
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it("lists the resources a run's plan changes, as spacectl's stack changes reads them", async () => {
    const changes = await api.graphql<{
      stack: { run: { changesV3: Array<{ resources: unknown[] }> } };
    }>(
      `query($run:ID!$stack:ID!){stack(id: $stack){run(id: $run){changesV3(input: {}){resources{address,previousAddress,metadata{type}}}}}}`,
      { run: confirmedRunId, stack: 'payments' },
    );
    expect(changes.errors).toBeUndefined();
    expect(changes.data!.stack.run.changesV3).toEqual([
      {
        resources: [
          { address: 'terraform_data.marker', previousAddress: null, metadata: { type: 'ADD' } },
        ],
      },
    ]);
  });

  it("gives each changed resource's attributes, before and after", async () => {
    const changes = await api.graphql<{
      stack: { run: { changesV3: Array<{ resources: Array<{ attributeChanges: unknown[] }> }> } };
    }>(
      `query($run:ID!$stack:ID!){stack(id: $stack){run(id: $run){changesV3(input: {}){resources{attributeChanges{path before after sensitive unknownAfter}}}}}}`,
      { run: confirmedRunId, stack: 'payments' },
    );
    expect(changes.errors).toBeUndefined();
    expect(changes.data!.stack.run.changesV3[0]!.resources[0]!.attributeChanges).toEqual([
      { path: 'id', before: null, after: null, sensitive: false, unknownAfter: true },
      { path: 'input', before: null, after: '"one"', sensitive: false, unknownAfter: false },
      { path: 'output', before: null, after: null, sensitive: false, unknownAfter: true },
    ]);
  });

  describe('with GitLab: users log in with their GitLab token, and their groups are their teams', () => {
    let gitlab: GitLabServer;

    beforeAll(async () => {
      gitlab = await startGitLabServer();
      gitlab.addUser({
        username: 'grace',
        name: 'Grace Hopper',
        token: 'glpat-grace',
        groups: ['platform'],
      });
      gitlab.addUser({
        username: 'ada',
        name: 'Ada Lovelace',
        token: 'glpat-ada',
        scopes: ['read_api'],
        groups: ['payments-team'],
      });
      gitlab.addProject({
        pathWithNamespace: 'platform/infra',
        branches: [
          { name: 'main', committedAt: '2026-11-01T10:00:00Z' },
          { name: 'feature', committedAt: '2026-11-20T10:00:00Z' },
        ],
      });
    });

    afterAll(async () => {
      await gitlab?.close();
    });

    const setup = (token: string, extra = '') =>
      api.graphql<{ gitlabIntegrationSetup: Record<string, unknown> }>(
        `mutation ($host: String!, $token: String!) {
          gitlabIntegrationSetup(apiHost: $host, token: $token${extra}) { apiHost webhookUrl webhookSecret oauthEnabled }
        }`,
        { host: gitlab.url, token },
      );

    it('says what is missing before an admin connects GitLab', async () => {
      const login = await api.graphql(
        `mutation { oauthUser(token: "glpat-ada") { jwt } }`,
        {},
        null,
      );
      expect(login.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
      expect(login.errors?.[0]?.message).toMatch(/gitlabIntegrationSetup/);
      expect((await api.graphql(`{ teams { id } repositories { id } }`)).data).toEqual({
        teams: [],
        repositories: [],
      });
    });

    it('checks the token when connecting: its scope, and that GitLab answers', async () => {
      const narrow = await setup('glpat-ada');
      expect(narrow.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(narrow.errors?.[0]?.message).toMatch(/read_api; Gantry needs the "api" scope/);
      const invalid = await setup('glpat-nobody');
      expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const unreachable = await api.graphql(
        `mutation { gitlabIntegrationSetup(apiHost: "http://127.0.0.1:1", token: "glpat-grace") { apiHost } }`,
      );
      expect(unreachable.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect((await api.graphql(`{ gitlabIntegration { apiHost } }`)).data).toEqual({
        gitlabIntegration: null,
      });
    });

    it("connects, logs a GitLab user in with their groups as teams, and lists GitLab's projects", async () => {
      const connected = await setup('glpat-grace');
      expect(connected.data!.gitlabIntegrationSetup).toEqual({
        apiHost: gitlab.url,
        webhookUrl: `${api.url}/webhooks/gitlab`,
        webhookSecret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) as unknown,
        oauthEnabled: false,
      });

      const login = await api.graphql<{
        oauthUser: { id: string; name: string; teams: string[]; jwt: string };
      }>(`mutation { oauthUser(token: "glpat-ada") { id name teams jwt validUntil } }`, {}, null);
      expect(login.data!.oauthUser).toMatchObject({
        id: 'ada',
        name: 'Ada Lovelace',
        teams: ['payments-team'],
      });
      const ada = login.data!.oauthUser.jwt;
      const seen = await api.graphql<{ stacks: Array<{ id: string; canWrite: boolean }> }>(
        `{ stacks { id canWrite } }`,
        {},
        ada,
      );
      expect(seen.data!.stacks).toContainEqual({ id: 'payments', canWrite: true });
      const secret = await api.graphql(`{ gitlabIntegration { webhookSecret } }`, {}, ada);
      expect(secret.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      const refreshed = await api.graphql<{ oauthRefresh: { id: string; teams: string[] } }>(
        `mutation { oauthRefresh { id teams } }`,
        {},
        ada,
      );
      expect(refreshed.data!.oauthRefresh).toEqual({ id: 'ada', teams: ['payments-team'] });

      const bad = await api.graphql(
        `mutation { oauthUser(token: "glpat-wrong") { jwt } }`,
        {},
        null,
      );
      expect(bad.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      const account = await api.graphql(`{ teams { name slug } repositories { id branches } }`);
      expect(account.data).toEqual({
        teams: [{ name: 'platform', slug: 'platform' }],
        repositories: [{ id: 'platform/infra', branches: ['feature', 'main'] }],
      });
    });

    it("signs a person in through GitLab's OAuth flow once an OAuth application is configured", async () => {
      const missing = await api.graphql(`mutation { oauthRedirect { providerUrl } }`, {}, null);
      expect(missing.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(missing.errors?.[0]?.message).toContain(`${api.url}/oauth/gitlab/callback`);

      gitlab.addOAuthApp({
        clientId: 'gantry-app',
        clientSecret: 'app-secret',
        redirectUri: `${api.url}/oauth/gitlab/callback`,
      });
      const before = await api.graphql<{ gitlabIntegration: { webhookSecret: string } }>(
        `{ gitlabIntegration { webhookSecret } }`,
      );
      const reconnected = await setup(
        'glpat-grace',
        ', oauthClientId: "gantry-app", oauthClientSecret: "app-secret"',
      );
      expect(reconnected.data!.gitlabIntegrationSetup).toMatchObject({
        oauthEnabled: true,
        webhookSecret: before.data!.gitlabIntegration.webhookSecret,
      });

      const redirect = await api.graphql<{
        oauthRedirect: { providerUrl: string; temporaryToken: string };
      }>(`mutation { oauthRedirect { providerUrl temporaryToken } }`, {}, null);
      const { providerUrl, temporaryToken } = redirect.data!.oauthRedirect;
      expect(providerUrl.startsWith(`${gitlab.url}/oauth/authorize?`)).toBe(true);

      // The person signs in to GitLab, which sends their browser back with a code.
      gitlab.signIn('ada');
      const authorized = await fetch(providerUrl, { redirect: 'manual' });
      const callback = new URL(authorized.headers.get('location')!);
      expect(`${callback.origin}${callback.pathname}`).toBe(`${api.url}/oauth/gitlab/callback`);
      const code = callback.searchParams.get('code')!;
      const state = callback.searchParams.get('state')!;

      const forged = await api.graphql(
        `mutation ($code: String!, $t: String!) { oauthToken(code: $code, state: "forged", temporaryToken: $t) }`,
        { code, t: temporaryToken },
        null,
      );
      expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

      const exchanged = await api.graphql<{ oauthToken: string }>(
        `mutation ($code: String!, $state: String!, $t: String!) { oauthToken(code: $code, state: $state, temporaryToken: $t) }`,
        { code, state, t: temporaryToken },
        null,
      );
      expect(exchanged.errors).toBeUndefined();
      const user = await api.graphql<{ oauthUser: { id: string; teams: string[] } }>(
        `mutation ($token: String!) { oauthUser(token: $token) { id teams } }`,
        { token: exchanged.data!.oauthToken },
        null,
      );
      expect(user.data!.oauthUser).toEqual({ id: 'ada', teams: ['payments-team'] });

      // The callback page tells the person what to do with the code.
      const page = await fetch(callback);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('oauthToken');
    });
  });
});
