import type { StateDownloads } from '../../state/downloads';
import type { GitLabSignIn } from '../../gitlab/signIn';
import type { StackLocks } from '../../locks/service';
import type { ContextService } from '../../contexts/service';
import type { ApiKeyService } from '../../auth/apiKeys';
import type { ConsoleSessions } from '../../console/session';
import type { TokenIssuer } from '../../auth/tokens';
import type { Database } from '../../db';
import type { GitLabIntegrationService } from '../../gitlab/integration';
import type { Logger } from '../../platform/logger';
import type { PolicyAccess } from '../../policy/access';
import type { PolicyService } from '../../policy/service';
import type { RunService } from '../../runs/service';
import type { RunTokens } from '../../runs/tokens';
import type { SlackInstallations, SlackSettings } from '../../slack';
import type { SpaceService } from '../../spaces/service';
import type { StackService } from '../../stacks/service';
import type { StateUploads } from '../../state/uploads';
import type { WorkerPoolService } from '../../workerPools/service';

/**
 * What the API is built on: one set per process (src/main/services.ts builds it), shared by
 * all requests.
 */
export interface ApiServices {
  db: Database;
  logger: Logger;
  runs: RunService;
  stacks: StackService;
  contexts: ContextService;
  spaces: SpaceService;
  workerPools: WorkerPoolService;
  locks: StackLocks;
  apiKeys: ApiKeyService;
  tokens: TokenIssuer;
  /** The web console's sessions, which GraphQL takes as it takes a JWT. */
  consoleSessions: ConsoleSessions;
  /** The tokens of tracked runs and tasks (SPACELIFT_API_TOKEN). */
  runTokens: RunTokens;
  uploads: StateUploads;
  downloads: StateDownloads;
  gitlab: GitLabIntegrationService;
  gitlabSignIn: GitLabSignIn;
  policies: PolicyService;
  /** Stack access policies, adding to and taking from what teams give. */
  access: PolicyAccess;
  /** The workspaces the Slack app is installed in, and the SLACK_* variables it still lacks. */
  slack: { settings: SlackSettings; installations: SlackInstallations; missingSettings: string[] };
  /** GANTRY_ADMIN_TOKEN, or the one generated into the data dir. */
  adminToken: string | undefined;
  accountName: string;
  publicUrl: string;
}
