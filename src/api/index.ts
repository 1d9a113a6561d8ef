import type { Express } from 'express';
import {
  consolePages,
  consoleRouter,
  finishConsoleSignIn,
  type ConsoleDependencies,
} from '../console';
import { ConsoleSessions } from '../console/session';
import type { WebhookHandler } from '../gitlab/webhook/handler';
import { gitlabWebhookRouter } from '../gitlab/webhook/http';
import { createMetrics, gaugeOnScrape, poolLabel, type Metrics } from '../platform/metrics';
import type { SecretBox } from '../platform/secrets';
import { slackRouter, type SlackFollowUps } from '../slack';
import type { VcsProvider } from '../vcs';
import { createApp, type ReadinessCheck } from './app';
import { graphqlRouter } from './graphql';
import type { ApiServices } from './graphql/services';
import { oauthCallbackRouter } from './oauthCallback';
import { stateDownloadRouter, stateRouter, stateUploadRouter } from './state';
import type { Stack } from '../stacks/service';

/** The HTTP app's services (src/main/services.ts) and its own settings. */
export interface ApiDependencies extends Omit<
  ApiServices,
  'adminToken' | 'accountName' | 'slack' | 'consoleSessions'
> {
  box: SecretBox;
  /** GraphQL's view of Slack, and what Slack's commands and buttons do after their answer. */
  slack: ApiServices['slack'] & { followUps: SlackFollowUps };
  /** What GitLab's webhook deliveries start. */
  gitlabWebhooks: WebhookHandler;
  vcsFor: (stack: Stack) => VcsProvider;
  /** GANTRY_ADMIN_TOKEN, or the one generated into the data dir. */
  adminToken: string | undefined;
  accountName: string;
  maxBodyBytes: number;
  readiness: ReadinessCheck[];
  /** The Temporal UI, where the console links a run's workflow. */
  temporalUiUrl?: string;
  /** The process's metrics, which its workers report to as well; its own if not given. */
  metrics?: Metrics;
}

const GITLAB_MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** The API process's HTTP app: GraphQL, the state backend and its uploads, health, metrics. */
export function createApi(deps: ApiDependencies): Express {
  const { db, box, runs, uploads, access, slack } = deps;
  const consoleSessions = new ConsoleSessions(box.deriveKey('console sessions'), {
    publicUrl: deps.publicUrl,
    adminToken: deps.adminToken,
  });
  const graphql = graphqlRouter({ ...deps, consoleSessions }, { maxBodyBytes: deps.maxBodyBytes });
  const consoleDeps: ConsoleDependencies = {
    sessions: consoleSessions,
    apiKeys: deps.apiKeys,
    gitlab: deps.gitlab,
    gitlabSignIn: deps.gitlabSignIn,
    db,
    logger: deps.logger,
    adminToken: deps.adminToken,
    temporalUiUrl: deps.temporalUiUrl,
    publicUrl: deps.publicUrl,
  };
  const metrics = deps.metrics ?? createMetrics();
  gaugeOnScrape(
    metrics,
    {
      name: 'gantry_runs',
      help: 'Runs that have not ended, by state and worker pool, as stored in the database.',
      labelNames: ['state', 'pool'] as const,
    },
    async () =>
      (await runs.activeCounts()).map(({ state, workerPool, count }) => ({
        labels: { state, pool: poolLabel(workerPool) },
        value: count,
      })),
  );
  return createApp({
    logger: deps.logger,
    metrics,
    maxBodyBytes: deps.maxBodyBytes,
    routes: [
      { path: '/state/:stackId', router: stateRouter(db) },
      { path: '/state-uploads/:objectId', router: stateUploadRouter(uploads) },
      { path: '/state-downloads/:stackId', router: stateDownloadRouter(db, deps.downloads) },
      { path: '/graphql', router: graphql },
      { path: '/console', router: consoleRouter(consoleDeps) },
      {
        path: '/webhooks/gitlab',
        router: gitlabWebhookRouter({
          secrets: () => deps.gitlab.webhookSecrets(),
          logger: deps.logger,
          handler: deps.gitlabWebhooks,
          // GitLab sends up to 25 MB; refusing a large push would count toward disabling the hook.
          maxBodyBytes: Math.max(deps.maxBodyBytes, GITLAB_MAX_WEBHOOK_BYTES),
        }),
      },
      {
        path: '/oauth/gitlab/callback',
        router: oauthCallbackRouter((req, res) => finishConsoleSignIn(consoleDeps, req, res)),
      },
      {
        path: '/slack',
        router: slackRouter({
          settings: slack.settings,
          installations: slack.installations,
          box,
          publicUrl: deps.publicUrl,
          logger: deps.logger,
          maxBodyBytes: deps.maxBodyBytes,
          db,
          runs,
          access,
          followUps: slack.followUps,
          consoleSessions,
        }),
      },
      // Last: the console's pages, at the paths no route above takes.
      { path: '/', router: consolePages() },
    ],
    readiness: deps.readiness,
  });
}
