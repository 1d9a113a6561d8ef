import type { Database } from '../../db';
import type { Logger } from '../../platform/logger';
import { recordWebhookEvents, type NewWebhookEvent } from '../store';

// The most deliveries one statement records.
const BATCH = 500;

/**
 * The record of webhook deliveries (gitlab_webhook_events), written behind the answers: a
 * delivery is answered as soon as its runs are started, and its record joins the next write,
 * one statement for every delivery recorded meanwhile. A write that fails is logged with the
 * deliveries it held; the runs they started are stored either way.
 */
export function createDeliveryLog(db: Database, logger: Logger) {
  const queued: NewWebhookEvent[] = [];
  let writing: Promise<void> | undefined;

  async function writeQueued(): Promise<void> {
    while (queued.length > 0) {
      const batch = queued.splice(0, BATCH);
      try {
        await recordWebhookEvents(db, batch);
      } catch (error) {
        logger.error(
          {
            err: error,
            deliveries: batch.map(({ eventUuid, event, project, outcome }) => ({
              eventUuid,
              event,
              project,
              outcome,
            })),
          },
          'recording gitlab webhook deliveries',
        );
      }
    }
    writing = undefined;
  }

  return {
    /** Queues a delivery's record; it is written moments later. */
    record(event: NewWebhookEvent): void {
      queued.push({ ...event, receivedAt: event.receivedAt ?? new Date() });
      writing ??= writeQueued();
    },
    /** Resolves once every record queued so far is written (or logged as lost). */
    async flushed(): Promise<void> {
      await writing;
    },
  };
}

export type DeliveryLog = ReturnType<typeof createDeliveryLog>;
