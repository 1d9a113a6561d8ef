import type { Logger } from '../platform/logger';
import type { RunService } from './service';

// How often the runs stored while Temporal was unreachable are looked for.
const INTERVAL_MS = 15_000;
// How long such a run waits to be started before it fails saying why.
const GIVE_UP_AFTER_MS = 60 * 60_000;

/**
 * Starts, every few seconds, the workflows of runs stored while Temporal could not be reached
 * (see RunService.reconcile). Every worker process runs one; they never start a run twice.
 */
export function startRunReconciler(
  runs: RunService,
  logger: Logger,
  options: { intervalMs?: number; giveUpAfterMs?: number } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = runs
      .reconcile({ giveUpAfterMs: options.giveUpAfterMs ?? GIVE_UP_AFTER_MS })
      .then(({ started, failed }) => {
        if (started + failed > 0) logger.info({ started, failed }, 'reconciled unstarted runs');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'reconciling unstarted runs'));
  };
  const timer = setInterval(tick, options.intervalMs ?? INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
