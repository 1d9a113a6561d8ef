import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** How long a run waited for a worker of its pool to take it. */
  runQueueWait: Histogram<'pool'>;
  /** How long a phase of a run took on this worker, and how it ended. */
  runPhaseDuration: Histogram<'phase' | 'pool' | 'outcome'>;
}

/** One registry per process, with Node's process metrics and Gantry's own. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new Histogram({
    name: 'gantry_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const runQueueWait = new Histogram({
    name: 'gantry_run_queue_wait_seconds',
    help: 'Time a run waited for a worker of its pool to take it (QUEUED, or CONFIRMED before applying), by pool.',
    labelNames: ['pool'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14400],
    registers: [registry],
  });
  const runPhaseDuration = new Histogram({
    name: 'gantry_run_phase_duration_seconds',
    help: 'Time a phase of a run took on a worker, by phase, pool and outcome (succeeded or failed).',
    labelNames: ['phase', 'pool', 'outcome'] as const,
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  return { registry, httpRequestDuration, runQueueWait, runPhaseDuration };
}

/**
 * A gauge whose values are read when Prometheus scrapes, from `read`: the current number of
 * something, by label. A failing read leaves the gauge empty for that scrape.
 */
export function gaugeOnScrape<L extends string>(
  metrics: Metrics,
  definition: { name: string; help: string; labelNames: readonly L[] },
  read: () => Promise<Array<{ labels: Record<L, string>; value: number }>>,
): void {
  new Gauge<L>({
    ...definition,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const { labels, value } of await read().catch(() => [])) {
        this.set(labels as never, value);
      }
    },
  });
}

/** The label a pool goes by in metrics: its id, or `public`. */
export function poolLabel(pool: string | null): string {
  return pool ?? 'public';
}
