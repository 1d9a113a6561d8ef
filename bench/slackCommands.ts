/**
 * How fast Gantry acknowledges the slash command, and how soon its reply follows:
 * `/gantry status <stack>` sent by 50 people at once, each sending the next once the reply to
 * the last reached its response_url. Each command is signed as Slack signs it, acknowledged
 * with an empty 200 (what Slack waits for, 3 s at most), then judged by the stack's access
 * policy with the caller's Slack details and answered at its response_url. Against a bare
 * node:http server that acknowledges the same way and posts a fixed reply to the
 * response_url at once, loaded the same way in the same process (node:http over kept-alive
 * connections, see httpPoster). Prints a table and one JSON line.
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
import { startSlackServer, type SlackServer } from '../test/support/slackServer';
import { slackRequest } from '../test/support/slackSigning';
import { httpPoster, percentile } from './load';

const CONCURRENCY = 50;
const WARMUP = 200;

/**
 * Sends `count` commands with `concurrency` people waiting at once; per command, the time to
 * the ack and the time to the reply at response_url, each as rate, p50 and p99.
 */
async function measureCommands(
  name: string,
  count: number,
  concurrency: number,
  send: () => Promise<{ ackMs: number; replyMs: number }>,
) {
  const acks: number[] = [];
  const replies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const { ackMs, replyMs } = await send();
        acks.push(ackMs);
        replies.push(replyMs);
      }
    }),
  );
  const perSecond = Number(((count / (performance.now() - started)) * 1000).toFixed(1));
  const summary = (what: string, latencies: number[]) => {
    latencies.sort((a, b) => a - b);
    return {
      name: `${name}: ${what}`,
      perSecond,
      p50Ms: Number(percentile(latencies, 50).toFixed(1)),
      p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    };
  };
  return { ack: summary('ack', acks), reply: summary('reply at response_url', replies) };
}

/** A server that does only what Slack needs: acks, then posts a fixed reply to response_url. */
function bareServer(): http.Server {
  return http.createServer((request, reply) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      reply.writeHead(200).end();
      const responseUrl = new URLSearchParams(Buffer.concat(chunks).toString()).get(
        'response_url',
      )!;
      void fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', text: 'payments: FINISHED' }),
      });
    });
  });
}

async function main() {
  const count = Number(process.argv[2] ?? 3_000);
  const database = await openTestDatabase({ kind: 'pglite' });
  const slack = await startSlackServer();
  const baseline = bareServer();
  const api = await startApiServer(
    { database, box: new SecretBox(randomBytes(32)) },
    { slack: slackSettings(slack) },
  );
  const poster = httpPoster(CONCURRENCY);
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
      const responseUrl = slack.responseUrl();
      const before = performance.now();
      const { headers, body: form } = slackRequest({
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
          response_url: responseUrl,
          trigger_id: randomBytes(8).toString('hex'),
        }),
      });
      const response = await poster.post(url, headers, form);
      const ackMs = performance.now() - before;
      if (response.status !== 200 || response.body !== '') {
        throw new Error(`sending the command: ${response.status} ${response.body}`);
      }
      await replyTo(slack, responseUrl);
      return { ackMs, replyMs: performance.now() - before };
    };

    await measureCommands('warm-up', WARMUP, CONCURRENCY, send(baselineUrl));
    await measureCommands('warm-up', WARMUP, CONCURRENCY, send(`${api.url}/slack/commands`));
    const bare = await measureCommands('bare http server', count, CONCURRENCY, send(baselineUrl));
    const gantry = await measureCommands(
      'gantry /gantry status',
      count,
      CONCURRENCY,
      send(`${api.url}/slack/commands`),
    );
    console.log(`${count} commands each, ${CONCURRENCY} concurrent, PGlite`);
    console.table([bare.ack, gantry.ack, bare.reply, gantry.reply]);
    console.log(
      JSON.stringify({
        benchmark: 'slack-commands',
        commands: count,
        concurrency: CONCURRENCY,
        bareAckP99Ms: bare.ack.p99Ms,
        gantryAckP99Ms: gantry.ack.p99Ms,
        bareAckP50Ms: bare.ack.p50Ms,
        gantryAckP50Ms: gantry.ack.p50Ms,
        ackP99Ratio: Number((gantry.ack.p99Ms / bare.ack.p99Ms).toFixed(1)),
        bareReplyP99Ms: bare.reply.p99Ms,
        gantryReplyP99Ms: gantry.reply.p99Ms,
        replyP99Ratio: Number((gantry.reply.p99Ms / bare.reply.p99Ms).toFixed(1)),
        gantryPerSecond: gantry.ack.perSecond,
      }),
    );
  } finally {
    poster.close();
    baseline.closeAllConnections();
    baseline.close();
    await api.close();
    await slack.close();
    await database.close();
  }
}

/** Waits for the reply at response_url; it must be the command's answer. */
async function replyTo(slack: SlackServer, responseUrl: string): Promise<void> {
  const { body } = await slack.response(responseUrl);
  if (!String(body.text).includes('payments')) {
    throw new Error(`the reply is not the status of payments: ${JSON.stringify(body)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
