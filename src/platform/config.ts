import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const portNumber = z
  .string()
  .refine((value) => /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535, {
    error: (issue) => `must be a port number from 1 to 65535 (got "${String(issue.input)}")`,
  })
  .transform(Number);

const port = (fallback: number) => z.string().default(String(fallback)).pipe(portNumber);

const seconds = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .refine((value) => /^\d+$/.test(value) && Number(value) >= 1, {
      error: (issue) =>
        `must be a whole number of seconds, at least 1 (got "${String(issue.input)}")`,
    })
    .transform(Number);

const optional = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const httpUrl = z.url({
  protocol: /^https?$/,
  error: (issue) => `must be an http(s) URL (got "${String(issue.input)}")`,
});

const envSchema = z.object({
  PORT: port(3000),
  GANTRY_DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: optional.pipe(
    z
      .url({
        protocol: /^postgres(ql)?$/,
        // The value is not repeated: it holds the database password.
        error: 'must be a postgres:// or postgresql:// URL',
      })
      .optional(),
  ),
  TEMPORAL_ADDRESS: optional.pipe(
    z
      .string()
      .regex(/^[^\s:/]+:\d+$/, { error: 'must be host:port, for example temporal:7233' })
      .optional(),
  ),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  GANTRY_TEMPORAL_PORT: port(7233),
  GANTRY_METRICS_PORT: optional.pipe(portNumber.optional()),
  GANTRY_TEMPORAL_UI_PORT: port(8233),
  GANTRY_TEMPORAL_UI_URL: optional.pipe(httpUrl.optional()),
  GANTRY_ADMIN_TOKEN: optional.pipe(
    z
      .string()
      .min(16, { error: 'must be at least 16 characters; use a long random value' })
      .optional(),
  ),
  GANTRY_PUBLIC_URL: optional.pipe(httpUrl.optional()),
  GANTRY_ACCOUNT_NAME: optional,
  GANTRY_ENCRYPTION_KEY: optional.pipe(
    z
      .string()
      .refine((value) => Buffer.from(value, 'base64').length === 32, {
        error:
          'must be 32 random bytes in base64, for example the output of `openssl rand -base64 32`',
      })
      .optional(),
  ),
  GANTRY_TOFU_PATH: optional,
  GANTRY_OPA_PATH: optional,
  GANTRY_TEMPORAL_CLI: optional,
  SLACK_CLIENT_ID: optional,
  SLACK_CLIENT_SECRET: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_API_URL: httpUrl.default('https://slack.com/api/'),
  GANTRY_SLACK_COMMAND: z
    .string()
    .regex(/^\/[a-z0-9_-]+$/, { error: 'must be a slash command such as /gantry' })
    .default('/gantry'),
  GANTRY_MAX_BODY_BYTES: z
    .string()
    .default('1048576')
    .refine((value) => /^\d+$/.test(value) && Number(value) >= 1024, {
      error: (issue) =>
        `must be a whole number of bytes, at least 1024 (got "${String(issue.input)}")`,
    })
    .transform(Number),
  GANTRY_RUN_SANDBOX: z
    .enum(['on', 'off'], {
      error: (issue) =>
        `must be "on" (every tool of a run in a bubblewrap sandbox) or "off" (got "${String(issue.input)}")`,
    })
    .default('on'),
  GANTRY_RUN_USER: z
    .string()
    .default('65534:65534')
    .refine((value) => /^\d+:\d+$/.test(value) && value.split(':').every((id) => Number(id) > 0), {
      error: (issue) =>
        `must be uid:gid of an unprivileged user, not root (got "${String(issue.input)}")`,
    })
    .transform((value) => {
      const [uid, gid] = value.split(':').map(Number);
      return { uid: uid!, gid: gid! };
    }),
  GANTRY_ALLOW_FILE_REPOSITORIES: z
    .enum(['true', 'false'], {
      error: (issue) => `must be "true" or "false" (got "${String(issue.input)}")`,
    })
    .default('false')
    .transform((value) => value === 'true'),
  GANTRY_PROVIDER_MIRROR: optional.pipe(
    z
      .string()
      .refine((value) => path.isAbsolute(value) || /^https:\/\/[^\s]+$/.test(value), {
        error: (issue) =>
          `must be the absolute path of a directory holding a provider mirror, or the https:// URL of a network mirror (got "${String(issue.input)}")`,
      })
      .transform((value) =>
        path.isAbsolute(value)
          ? { kind: 'filesystem' as const, path: path.normalize(value) }
          : { kind: 'network' as const, url: value.endsWith('/') ? value : `${value}/` },
      )
      .optional(),
  ),
  GANTRY_WORKER_CONCURRENCY: z
    .preprocess((value) => (value === '' ? undefined : value), z.string().optional())
    .default(String(os.availableParallelism()))
    .refine((value) => /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 1000, {
      error: (issue) =>
        `must be how many runs one worker runs at once, from 1 to 1000 (got "${String(issue.input)}")`,
    })
    .transform(Number),
  GANTRY_WORKER_POOL: optional.pipe(
    z
      .string()
      .regex(/^[0-9A-Z]{26}$/, {
        error: (issue) =>
          `must be the id of a worker pool, as workerPoolCreate answered it (got "${String(issue.input)}")`,
      })
      .optional(),
  ),
  GANTRY_WORKER_POOL_TOKEN: optional,
  GANTRY_WORKER_DRAIN_SECONDS: seconds(60),
  GANTRY_RUN_TIMEOUT_SECONDS: seconds(70 * 60),
  GANTRY_SILENCE_TIMEOUT_SECONDS: seconds(7 * 60),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  /** Absolute path of GANTRY_DATA_DIR. */
  dataDir: string;
  publicUrl: string;
  /** Query.name: GANTRY_ACCOUNT_NAME, or the public URL's host. */
  accountName: string;
  /** No DATABASE_URL: the database is PGlite under the data dir. */
  embeddedDatabase: boolean;
  /** No TEMPORAL_ADDRESS: `gantry all` starts the Temporal dev server. */
  embeddedTemporal: boolean;
  temporalAddress: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const values = parsed.data;
  const publicUrl = (values.GANTRY_PUBLIC_URL ?? `http://localhost:${values.PORT}`).replace(
    /\/+$/,
    '',
  );
  return {
    ...values,
    dataDir: path.resolve(values.GANTRY_DATA_DIR),
    publicUrl,
    accountName: values.GANTRY_ACCOUNT_NAME ?? new URL(publicUrl).hostname,
    embeddedDatabase: values.DATABASE_URL === undefined,
    embeddedTemporal: values.TEMPORAL_ADDRESS === undefined,
    temporalAddress: values.TEMPORAL_ADDRESS ?? `127.0.0.1:${values.GANTRY_TEMPORAL_PORT}`,
  };
}
