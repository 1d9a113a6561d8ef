import type { Client } from '@temporalio/client';
import {
  createActivities,
  createAdmissionActivities,
  type PoolWorkers,
  type RunObserver,
  type WorkerPlaces,
} from '../../activities';
import { LRUCache } from 'lru-cache';
import type { RunSinks } from '../../activities/notify';
import type { RunnerDependencies } from '../../activities/runner/phases';
import { ApiKeyService } from '../auth/apiKeys';
import { TokenIssuer } from '../auth/tokens';
import type { Database } from '../db';
import type { ChangeFeed } from '../db/changes';
import { createGitLabFeedback } from '../gitlab/feedback';
import { GitLabIntegrationService } from '../gitlab/integration';
import { GitLabSignIn } from '../gitlab/signIn';
import { createWebhookHandler } from '../gitlab/webhook/handler';
import type { Logger } from '../platform/logger';
import type { SecretBox } from '../platform/secrets';
import { PolicyAccess } from '../policy/access';
import { PolicyCompiler } from '../policy/compiler';
import { PolicyEvaluator } from '../policy/evaluator';
import { PolicyService } from '../policy/service';
import { RunService } from '../runs/service';
import { RunTokens } from '../runs/tokens';
import {
  missingSlackSettings,
  SlackFollowUps,
  SlackInstallations,
  type SlackSettings,
} from '../slack';
import { createSlackNotifier } from '../slack/notifier';
import { StackService } from '../stacks/service';
import { ContextService } from '../contexts/service';
import { SpaceService } from '../spaces/service';
import { StackLocks } from '../locks/service';
import { StateDownloads } from '../state/downloads';
import { StateUploads } from '../state/uploads';
import { vcsProviders } from '../vcs/providers';
import { SourceCache } from '../vcs/sourceCache';
import { WorkerPoolService } from '../workerPools/service';

/** What every service of a Gantry process is built from. */
export interface ServiceSettings {
  db: Database;
  /** Which cached tables change; every service that caches rows listens to it. */
  changes: ChangeFeed;
  box: SecretBox;
  client: Client;
  logger: Logger;
  /** The address people and GitLab reach this Gantry at; run links start with it. */
  publicUrl: string;
  runTimeoutMs: number;
  /** Whether RAW_GIT stacks may name file:// repositories on the workers' disks. */
  allowFileRepositories: boolean;
  /** The opa binary, which compiles policies as they are written (found when first needed). */
  opaPath: string | (() => string);
  /** The Slack app; without its credentials the /slack routes say what is missing. */
  slack: SlackSettings;
  /**
   * Where a process that runs workers keeps the commits it fetched, for the runs that check
   * them out (see SourceCache); a process that runs none keeps none.
   */
  sourceCacheDir?: string;
}

// How many commits a worker process keeps checked out for its runs.
const CACHED_COMMITS = 32;

/**
 * The composition root: every service of a process, each built once. The process roles, the
 * test harness and the benchmarks all build their services here, so they run the same wiring.
 */
export function buildServices(settings: ServiceSettings) {
  const { db, box, logger, publicUrl } = settings;
  const gitlab = new GitLabIntegrationService({ db, box, publicUrl, changes: settings.changes });
  // Where stacks' code comes from: any git remote, or the connected GitLab.
  const vcsFor = vcsProviders(() => gitlab.api(), {
    allowFile: settings.allowFileRepositories,
    ...(settings.sourceCacheDir
      ? { sources: new SourceCache(settings.sourceCacheDir, CACHED_COMMITS) }
      : {}),
  });
  const stacks = new StackService({
    db,
    box,
    allowFileRepositories: settings.allowFileRepositories,
  });
  const runs = new RunService({
    db,
    box,
    stacks,
    client: settings.client,
    vcsFor,
    runTimeoutMs: settings.runTimeoutMs,
    logger,
  });
  // One per process: the API's commands and the workers' run messages read the same cache.
  const slackInstallations = new SlackInstallations({ db, box, changes: settings.changes });
  const contexts = new ContextService({ db, box, stacks });
  const policies = new PolicyService({ db, compiler: new PolicyCompiler(settings.opaPath) });
  const workerPools = new WorkerPoolService({
    db,
    box,
    users: {
      stacksOf: (pool, tx) => stacks.usingPool(pool, tx),
    },
  });
  const spaces = new SpaceService({
    db,
    occupants: [
      { kind: 'stacks', idsIn: (space) => stacks.idsInSpace(space) },
      { kind: 'contexts', idsIn: (space) => contexts.idsInSpace(space) },
      { kind: 'policies', idsIn: (space) => policies.idsInSpace(space) },
      { kind: 'worker pools', idsIn: (space) => workerPools.idsInSpace(space) },
    ],
  });
  return {
    db,
    box,
    logger,
    client: settings.client,
    publicUrl,
    gitlab,
    gitlabSignIn: new GitLabSignIn({ db, box, publicUrl, integration: gitlab }),
    gitlabWebhooks: createWebhookHandler({ db, runs, logger, gitlabApi: () => gitlab.api() }),
    vcsFor,
    runs,
    stacks,
    contexts,
    spaces,
    workerPools,
    locks: new StackLocks({ stacks, client: settings.client }),
    apiKeys: new ApiKeyService(db),
    tokens: new TokenIssuer(box.deriveKey('jwt'), publicUrl),
    runTokens: new RunTokens({ db, key: box.deriveKey('run tokens'), audience: publicUrl }),
    uploads: new StateUploads(db, box.deriveKey('state uploads'), publicUrl),
    downloads: new StateDownloads(box.deriveKey('state downloads'), publicUrl),
    policies,
    // One instance, so GraphQL and Slack share its compiled policies.
    access: new PolicyAccess({ db, evaluator: new PolicyEvaluator({ db, logger }) }),
    slack: {
      settings: settings.slack,
      installations: slackInstallations,
      missingSettings: missingSlackSettings(settings.slack),
      followUps: new SlackFollowUps({ logger: logger.child({ component: 'slack-follow-ups' }) }),
    },
    /** What is told about every transition of every run. */
    runSinks: {
      gitlab: createGitLabFeedback({
        db,
        gitlabApi: () => gitlab.api(),
        changes: (runId) => runs.changes(runId),
        publicUrl,
        logger,
      }),
      slack: createSlackNotifier({
        db,
        installations: slackInstallations,
        publicUrl,
        logger,
        slackApiUrl: settings.slack.apiUrl,
      }),
    } satisfies RunSinks,
  };
}

export type Services = ReturnType<typeof buildServices>;

/**
 * The activities of a worker process, over its services and its run phases' dependencies: the
 * shared queue's, its own queue's, and its pool queue's admission.
 */
export function workerActivities(
  services: Services,
  runner: RunnerDependencies,
  workerQueue: string,
  places: WorkerPlaces,
  options: { sinks?: RunSinks; observer?: RunObserver } = {},
) {
  const { sinks = services.runSinks, observer } = options;
  // Runs waiting for a worker look at their pool's workers at once (hundreds after a burst of
  // pushes): they share one reading per pool every few seconds. '' is the public pool.
  const poolLoad = new LRUCache<string, PoolWorkers>({
    max: 1_000,
    ttl: 5_000,
    fetchMethod: async (pool) => {
      // A draining worker takes no more runs.
      const workers = (await services.workerPools.liveWorkers(pool || null)).filter(
        (worker) => !worker.drained,
      );
      return {
        live: workers.length,
        full: workers.filter((worker) => worker.busy >= worker.concurrency).length,
      };
    },
  });
  return {
    ...createActivities({
      db: services.db,
      logger: services.logger,
      client: services.client,
      runner,
      workerQueue,
      places,
      sinks,
      ...(observer ? { observer } : {}),
      poolWorkers: async (pool) => (await poolLoad.fetch(pool ?? ''))!,
    }),
    admission: createAdmissionActivities({
      client: services.client,
      workerQueue,
      places,
      ...(observer ? { observer } : {}),
    }),
  };
}
