/**
 * How fast GitLab webhooks become runs: push deliveries (each a new commit to a stack's tracked
 * branch) sent 50 at a time to POST /webhooks/gitlab, which answers once it has asked GitLab
 * (a local fake) for the branch's head and the run's workflow is started, against a baseline of
 * bare Temporal workflow starts sent 50 at a time to the same dev server, in the same process.
 * Prints a table and one JSON line.
 *
 *   npm run bench:webhooks [-- deliveries]
 */
import { randomBytes } from 'node:crypto';
import { startGitLabServer, type GitLabProjectRecord } from '../test/support/gitlabServer';
import { deliveryHeaders, pushHook, type WebhookDelivery } from '../test/support/gitlabWebhooks';
import { schema } from '../test/support/tables';
import { startApiOnTemporal } from './apiOnTemporal';
import { httpPoster, measureConcurrently } from './load';

const CONCURRENCY = 50;
const WARMUP = 100;

async function main() {
  const count = Number(process.argv[2] ?? 1_500);
  const gitlab = await startGitLabServer();
  const secret = randomBytes(24).toString('base64url');
  // One project and stack per delivery in flight: each push moves its own branch's head.
  const free: GitLabProjectRecord[] = [];
  const api = await startApiOnTemporal(async (database, box) => {
    await database.db.insert(schema.gitlabIntegration).values({
      apiHost: gitlab.url,
      encryptedToken: box.seal('glpat-bench'),
      encryptedWebhookSecret: box.seal(secret),
    });
    gitlab.addUser({ username: 'gantry', token: 'glpat-bench' });
    for (let i = 0; i < CONCURRENCY; i++) {
      const project = gitlab.addProject({
        pathWithNamespace: `platform/infra-${i}`,
        branches: [{ name: 'main', committedAt: new Date() }],
        members: [{ username: 'gantry', accessLevel: 40 }],
      });
      free.push(project);
      await database.db.insert(schema.stacks).values({
        id: `infra-${i}`,
        name: `Infra ${i}`,
        provider: 'GITLAB',
        repository: project.pathWithNamespace,
        branch: 'main',
      });
    }
  }).catch(async (error: unknown) => {
    await gitlab.close();
    throw error;
  });
  const { url } = api;
  const poster = httpPoster(CONCURRENCY);
  try {
    const pusher = { id: 1, username: 'ada', name: 'Ada Lovelace' };
    const webhook = async () => {
      const project = free.pop()!;
      const after = randomBytes(20).toString('hex');
      // GitLab has the pushed commit as the branch's head by the time the hook is delivered.
      project.branches[0]!.commitId = after;
      try {
        const push = pushHook(gitlab.url, project, pusher, { ref: 'refs/heads/main', after });
        const answer = await deliverWith(poster, `${url}/webhooks/gitlab`, push, secret);
        if (answer.status !== 200 || answer.body.runs?.length !== 1) {
          throw new Error(`delivering a push: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      } finally {
        free.push(project);
      }
    };
    const bare = () => api.bareStart();

    await measureConcurrently('warm-up', WARMUP, CONCURRENCY, bare);
    await measureConcurrently('warm-up', WARMUP, CONCURRENCY, webhook);
    const baseline = await measureConcurrently('bare workflow starts', count, CONCURRENCY, bare);
    const gantry = await measureConcurrently(
      'webhook to workflow started',
      count,
      CONCURRENCY,
      webhook,
    );
    console.log(`${count} each, ${CONCURRENCY} concurrent, Temporal dev server and PGlite`);
    console.table([baseline, gantry]);
    console.log(
      JSON.stringify({
        benchmark: 'gitlab-webhooks',
        deliveries: count,
        concurrency: CONCURRENCY,
        bareStartsPerSecond: baseline.perSecond,
        webhooksPerSecond: gantry.perSecond,
        bareP99Ms: baseline.p99Ms,
        webhookP99Ms: gantry.p99Ms,
        rateRatio: Number((baseline.perSecond / gantry.perSecond).toFixed(1)),
      }),
    );
  } finally {
    poster.close();
    await api.close();
    await gitlab.close();
  }
}

/** A delivery as GitLab sends it, by `poster`; its status and JSON answer. */
async function deliverWith(
  poster: ReturnType<typeof httpPoster>,
  url: string,
  delivery: WebhookDelivery,
  token: string,
): Promise<{ status: number; body: { runs?: unknown[] } }> {
  const answer = await poster.post(
    url,
    deliveryHeaders(delivery, token),
    JSON.stringify(delivery.body),
  );
  return { status: answer.status, body: JSON.parse(answer.body) as { runs?: unknown[] } };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
