import type { Client } from '@temporalio/client';
import { createApi } from '../../src/api';
import type { Database } from '../../src/db';
import type { ChangeFeed } from '../../src/db/changes';
import { buildServices, type Services } from '../../src/main/services';
import { createLogger, type Logger } from '../../src/platform/logger';
import type { SecretBox } from '../../src/platform/secrets';
import { requireTool } from '../../src/platform/tools';
import type { SlackSettings } from '../../src/slack';

/**
 * A process's services as `gantry serve` and `gantry worker` build them (the composition root),
 * with what tests and benchmarks run with: repositories that are directories of this machine,
 * the pinned opa, and a Slack that is only reached where a test says where it is.
 */
export function testServices(parts: {
  db: Database;
  changes: ChangeFeed;
  box: SecretBox;
  client: Client;
  publicUrl: string;
  logger?: Logger;
  runTimeoutMs?: number;
  slack?: SlackSettings;
  /** Where the commits runs check out are kept, as a process running workers keeps them. */
  sourceCacheDir?: string;
}): Services {
  return buildServices({
    db: parts.db,
    changes: parts.changes,
    box: parts.box,
    client: parts.client,
    logger: parts.logger ?? createLogger('silent'),
    publicUrl: parts.publicUrl,
    runTimeoutMs: parts.runTimeoutMs ?? 70 * 60_000,
    allowFileRepositories: true,
    opaPath: () => requireTool('opa', process.env),
    slack: parts.slack ?? { apiUrl: 'http://127.0.0.1:1/api/', command: '/gantry' },
    ...(parts.sourceCacheDir ? { sourceCacheDir: parts.sourceCacheDir } : {}),
  });
}

/** The HTTP app over those services, as `gantry serve` builds it. */
export function testApi(
  services: Services,
  options: { adminToken: string | undefined; maxBodyBytes?: number },
) {
  return createApi({
    ...services,
    adminToken: options.adminToken,
    accountName: 'gantry-test',
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    readiness: [],
  });
}
