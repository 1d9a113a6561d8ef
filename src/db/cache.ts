import type { ChangeFeed } from './changes';

/**
 * One read of rarely written rows, kept per process until the feed says one of `tables`
 * changed (./changes.ts). While the feed is not live every call reads afresh. A read that was
 * under way when a change arrived is not kept, and callers asking at the same time share one
 * read. The value is shared: callers must not change it.
 */
export class CachedRead<T> {
  private current: Promise<T> | undefined;

  constructor(
    private readonly feed: ChangeFeed,
    tables: readonly string[],
    private readonly read: () => Promise<T>,
  ) {
    feed.subscribe((table) => {
      if (table === null || tables.includes(table)) this.forget();
    });
  }

  get(): Promise<T> {
    if (!this.feed.live()) return this.read();
    if (this.current) return this.current;
    const reading = this.read();
    this.current = reading;
    // A failed read is not kept: the next caller tries again.
    reading.catch(() => {
      if (this.current === reading) this.current = undefined;
    });
    return reading;
  }

  /** Drops what is kept; the next call reads afresh. */
  forget(): void {
    this.current = undefined;
  }
}
