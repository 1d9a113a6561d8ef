import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import { ApiKeyService } from '../auth/apiKeys';
import { TokenIssuer } from '../auth/tokens';
import type { Database } from '../db';
import type { Stack } from '../db/schema';
import { GitLabIntegrationService } from '../gitlab/integration';
import { gitlabWebhookRouter } from '../gitlab/webhook';
import type { Logger } from '../logger';
import { createMetrics } from '../metrics';
import { PolicyAccess } from '../policy/access';
import { PolicyCompiler } from '../policy/compiler';
import { PolicyEvaluator } from '../policy/evaluator';
import { PolicyService } from '../policy/service';
import { RunService } from '../runs/service';
import type { SecretBox } from '../secrets';
import {
  missingSlackSettings,
  SlackInstallations,
  slackRouter,
  type SlackSettings,
} from '../slack';
import { StackService } from '../stacks/service';
import { StateUploads } from '../state/uploads';
import type { VcsProvider } from '../vcs';
import { createApp, type ReadinessCheck } from './app';
import { graphqlRouter } from './graphql';
import { oauthCallbackRouter } from './oauthCallback';
import { runLinkRouter } from './runLink';
import { stateRouter, stateUploadRouter } from './state';

export interface ApiDependencies {
  db: Database;
  logger: Logger;
  client: Client;
  box: SecretBox;
  adminToken: string | undefined;
  publicUrl: string;
  accountName: string;
  runTimeoutMs: number;
  maxBodyBytes: number;
  vcsFor: (stack: Stack) => VcsProvider;
  /** Whether RAW_GIT stacks may name file:// repositories on the workers' disks. */
  allowFileRepositories?: boolean;
  readiness: ReadinessCheck[];
  /** The opa binary, which compiles policies as they are written. */
  opaPath: string;
  /** The Slack app; without its credentials the /slack routes say what is missing. */
  slack?: SlackSettings;
}

const GITLAB_MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** The API process's HTTP app: GraphQL, the state backend and its uploads, health, metrics. */
export function createApi(deps: ApiDependencies): Express {
  const { db, box } = deps;
  const uploads = new StateUploads(db, box.deriveKey('state uploads'), deps.publicUrl);
  const slackInstallations = new SlackInstallations({ db, box });
  const gitlab = new GitLabIntegrationService({ db, box, publicUrl: deps.publicUrl });
  const runs = new RunService({
    db,
    client: deps.client,
    vcsFor: deps.vcsFor,
    runTimeoutMs: deps.runTimeoutMs,
    logger: deps.logger,
  });
  // One instance, so GraphQL and Slack share its compiled policies.
  const access = new PolicyAccess({
    db,
    evaluator: new PolicyEvaluator({ db, logger: deps.logger }),
  });
  const graphql = graphqlRouter(
    {
      db,
      logger: deps.logger,
      runs,
      stacks: new StackService({
        db,
        box,
        allowFileRepositories: deps.allowFileRepositories ?? false,
      }),
      apiKeys: new ApiKeyService(db),
      tokens: new TokenIssuer(box.deriveKey('jwt')),
      uploads,
      gitlab,
      policies: new PolicyService({ db, compiler: new PolicyCompiler(deps.opaPath) }),
      slack: {
        installations: slackInstallations,
        missingSettings: missingSlackSettings(deps.slack),
      },
      access,
      adminToken: deps.adminToken,
      accountName: deps.accountName,
      publicUrl: deps.publicUrl,
    },
    { maxBodyBytes: deps.maxBodyBytes },
  );
  return createApp({
    logger: deps.logger,
    metrics: createMetrics(),
    maxBodyBytes: deps.maxBodyBytes,
    routes: [
      { path: '/state/:stackId', router: stateRouter(db) },
      { path: '/state-uploads/:objectId', router: stateUploadRouter(uploads) },
      { path: '/graphql', router: graphql },
      { path: '/stack/:stackId/run/:runId', router: runLinkRouter() },
      {
        path: '/webhooks/gitlab',
        router: gitlabWebhookRouter({
          db,
          box,
          runs,
          logger: deps.logger,
          gitlabApi: () => gitlab.api(),
          // GitLab sends up to 25 MB; refusing a large push would count toward disabling the hook.
          maxBodyBytes: Math.max(deps.maxBodyBytes, GITLAB_MAX_WEBHOOK_BYTES),
        }),
      },
      { path: '/oauth/gitlab/callback', router: oauthCallbackRouter() },
      {
        path: '/slack',
        router: slackRouter({
          settings: deps.slack,
          installations: slackInstallations,
          box,
          publicUrl: deps.publicUrl,
          logger: deps.logger,
          maxBodyBytes: deps.maxBodyBytes,
          db,
          runs,
          access,
        }),
      },
    ],
    readiness: deps.readiness,
  });
}
