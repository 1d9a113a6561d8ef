/**
 * How fast Gantry acknowledges the slash command: `/gantry status <stack>` sent 50 at a time,
 * signed as Slack signs it, judged by the stack's access policy with the caller's Slack
 * details, and answered; against a bare node:http server answering a fixed ephemeral reply,
 * loaded the same way in the same process. Slack gives a command 3 s. Prints a table and one
 * JSON line.
 *
 *   npm run bench:slack [-- commands]
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretBox } from '../src/platform/secrets';
import { startApiServer } from '../test/support/api';
import { openTestDatabase } from '../test/support/database';
import { installSlackApp, SLACK_APP, slackSettings } from '../test/support/slackApp';
import { startSlackServer } from '../test/support/slackServer';
import { sendAsSlack } from '../test/support/slackSigning';
import { measureConcurrently } from './load';

const CONCURRENCY = 50;
const WARMUP = 200;

async function main() {
  const count = Number(process.argv[2] ?? 3_000);
  const database = await openTestDatabase({ kind: 'pglite' });
  const slack = await startSlackServer();
  const baseline = http.createServer((request, reply) => {
    request.resume();
    request.on('end', () => {
      reply.writeHead(200, { 'content-type': 'application/json' });
      reply.end(JSON.stringify({ response_type: 'ephemeral', text: 'payments: FINISHED' }));
    });
  });
  const api = await startApiServer(
    { database, box: new SecretBox(randomBytes(32)) },
    { slack: slackSettings(slack) },
  );
  try {
    slack.addApp(SLACK_APP);
    const team = slack.addWorkspace({ name: 'Acme' });
    const user = slack.addUser({ teamId: team.id, name: 'ada', realName: 'Ada Lovelace' });

    await installSlackApp(api, slack, { team, user });

    for (const step of [
      `mutation { stackCreate(input: { name: "Payments", administrative: false, branch: "main", repository: "file:///srv/git/payments.git", provider: RAW_GIT }, manageState: true) { id } }`,
      `mutation { policyCreate(name: "Dev channel", type: ACCESS, body: "package spacelift\\n\\nread { input.slack.channel.name == \\"dev-notifications\\" }") { id } }`,
      `mutation { policyAttach(id: "dev-channel", stack: "payments") { id } }`,
    ]) {
      const answer = await api.graphql(step);
      if (answer.errors) throw new Error(`setting up: ${JSON.stringify(answer.errors)}`);
    }

    await new Promise<void>((resolve) => baseline.listen(0, '127.0.0.1', resolve));
    const baselineUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}`;
    const send = (url: string) => async () => {
      const response = await sendAsSlack(url, {
        signingSecret: SLACK_APP.signingSecret,
        body: new URLSearchParams({
          team_id: team.id,
          team_domain: team.domain,
          channel_id: 'C0DEVNOTE1',
          channel_name: 'dev-notifications',
          user_id: user.id,
          user_name: user.name,
          command: '/gantry',
          text: 'status payments',
          response_url: slack.responseUrl(),
          trigger_id: randomBytes(8).toString('hex'),
        }),
      });
      const body = await response.text();
      if (response.status !== 200 || !body.includes('payments')) {
        throw new Error(`sending the command: ${response.status} ${body}`);
      }
    };

    await measureConcurrently('warm-up', WARMUP, CONCURRENCY, send(baselineUrl));
    await measureConcurrently('warm-up', WARMUP, CONCURRENCY, send(`${api.url}/slack/commands`));
    const bare = await measureConcurrently(
      'bare http server',
      count,
      CONCURRENCY,
      send(baselineUrl),
    );
    const gantry = await measureConcurrently(
      'gantry /gantry status',
      count,
      CONCURRENCY,
      send(`${api.url}/slack/commands`),
    );
    console.log(`${count} commands each, ${CONCURRENCY} concurrent, PGlite`);
    console.table([bare, gantry]);
    console.log(
      JSON.stringify({
        benchmark: 'slack-commands',
        commands: count,
        concurrency: CONCURRENCY,
        bareP99Ms: bare.p99Ms,
        gantryP99Ms: gantry.p99Ms,
        bareP50Ms: bare.p50Ms,
        gantryP50Ms: gantry.p50Ms,
        p99Ratio: Number((gantry.p99Ms / bare.p99Ms).toFixed(1)),
      }),
    );
  } finally {
    baseline.closeAllConnections();
    baseline.close();
    await api.close();
    await slack.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
