import express, {
  type ErrorRequestHandler,
  type Express,
  type RequestHandler,
  type Router,
} from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';

/** Something /readyz checks: it is ready when `check` resolves. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface AppOptions {
  logger: Logger;
  /** Routers mounted at their path before the JSON body parser, which they do without. */
  routes?: Array<{ path: string; router: Router }>;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  maxBodyBytes: number;
}

const READINESS_TIMEOUT_MS = 3_000;

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(measure(options.metrics));
  app.use(
    pinoHttp({
      logger: options.logger.child({ component: 'http' }),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      // Method and path only: headers carry tokens and query strings carry OAuth codes.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  for (const { path, router } of options.routes ?? []) app.use(path, router);
  app.use(express.json({ limit: options.maxBodyBytes }));
  app.use(express.urlencoded({ extended: false, limit: options.maxBodyBytes }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Says what is down, not why: the reasons name hosts and users, so they go to the log.
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      options.readiness.map(async (probe) => {
        try {
          await withTimeout(probe.check(), READINESS_TIMEOUT_MS);
          return { name: probe.name, ok: true };
        } catch (error) {
          options.logger.warn({ err: error, check: probe.name }, 'readiness check');
          return { name: probe.name, ok: false };
        }
      }),
    );
    const down = results.filter((result) => !result.ok).map((result) => result.name);
    res.status(down.length === 0 ? 200 : 503).json({
      status: down.length === 0 ? 'ready' : 'unavailable',
      checks: Object.fromEntries(results.map(({ name, ok }) => [name, ok ? 'ok' : 'down'])),
      ...(down.length > 0 ? { down } : {}),
    });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });

  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });
  app.use(errorHandler(options.logger, options.maxBodyBytes));
  return app;
}

function measure(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpRequestDuration.startTimer();
    res.once('finish', () => {
      // The matched route pattern, never the raw path, keeps the label set small.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ method: req.method, route: String(route), status: String(res.statusCode) });
    });
    next();
  };
}

/** Bad input gets a 4xx that says what was wrong; anything else is logged and answered 500. */
function errorHandler(logger: Logger, maxBodyBytes: number): ErrorRequestHandler {
  return (error: { status?: number; type?: string; message?: string }, req, res, _next) => {
    const status = typeof error.status === 'number' && error.status >= 400 ? error.status : 500;
    if (status >= 500) logger.error({ err: error, path: req.path }, 'answering request');
    const message =
      error.type === 'entity.too.large'
        ? `request body is larger than the limit of ${maxBodyBytes} bytes`
        : error.type === 'entity.parse.failed'
          ? `request body is not valid JSON: ${error.message}`
          : status >= 500
            ? 'internal error; the details are in the server log'
            : (error.message ?? 'bad request');
    if (!res.headersSent) res.status(status).json({ error: message });
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
