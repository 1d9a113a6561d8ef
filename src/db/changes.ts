import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Logger } from '../platform/logger';

/** The channel the tables' triggers notify on (migration 0025), with the table's name. */
const CHANNEL = 'gantry_changes';
// How long a lost listening connection waits before it connects again.
const RECONNECT_MS = 1_000;
// How often the listening connection is checked: a connection that died silently hears nothing.
const CHECK_MS = 15_000;

/** Called with a changed table's name, or null when changes may have been missed. */
type ChangeListener = (table: string | null) => void;

/**
 * Which of the cached tables changed, as every Gantry process on the database hears it. A write
 * to such a table makes its trigger NOTIFY when the transaction commits; each process listens
 * on one connection of its own. While a process is not listening (not yet, or its connection
 * was lost), it cannot know what changed, so nothing may be served from a cache (`live`), and
 * once it listens again everything cached is dropped.
 */
export interface ChangeFeed {
  /** Calls `listener` on every change; starts listening the first time. Returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void;
  /** Whether changes are being heard now. */
  live(): boolean;
  /**
   * Tells this process's listeners at once that `table` changed, for the process that wrote
   * it: the database's notification reaches it a moment later, and the writer must read its
   * own write.
   */
  changedHere(table: string): void;
  close(): Promise<void>;
}

/** The feed of a PGlite database: its notifications arrive with the writing query's answer. */
export function pgliteChangeFeed(pglite: PGlite): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  let listening: Promise<() => Promise<void>> | undefined;
  let live = false;
  const emit = (table: string | null) => {
    for (const listener of listeners) listener(table);
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      listening ??= pglite
        .listen(CHANNEL, (table) => emit(table))
        .then((unlisten) => {
          live = true;
          return unlisten;
        });
      return () => listeners.delete(listener);
    },
    live: () => live,
    changedHere: emit,
    async close() {
      live = false;
      listeners.clear();
      // PGlite may be closed already; there is nothing left to stop listening to then.
      await (await listening)?.().catch(() => undefined);
    },
  };
}

/**
 * The feed of a PostgreSQL server: one connection LISTENs, and is checked every few seconds.
 * A lost connection is reconnected after a second; everything cached is dropped on the loss
 * and again once it listens anew, since notifications sent meanwhile are gone.
 */
export function postgresChangeFeed(connection: pg.ClientConfig, logger?: Logger): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  let client: pg.Client | undefined;
  let started = false;
  let closed = false;
  let reconnect: NodeJS.Timeout | undefined;
  let check: NodeJS.Timeout | undefined;
  const emit = (table: string | null) => {
    for (const listener of listeners) listener(table);
  };

  async function listen(): Promise<void> {
    const listener = new pg.Client({ ...connection, keepAlive: true });
    listener.on('notification', (message) => {
      if (message.channel === CHANNEL) emit(message.payload ?? null);
    });
    listener.on('error', (error) => lost(listener, error));
    listener.on('end', () => lost(listener));
    try {
      await listener.connect();
      await listener.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      lost(listener, error as Error);
      return;
    }
    if (closed) {
      await listener.end().catch(() => undefined);
      return;
    }
    client = listener;
    // Whatever was cached before may have changed unheard.
    emit(null);
  }

  function lost(listener: pg.Client, error?: Error) {
    if (client && client !== listener) return;
    const wasListening = client === listener;
    client = undefined;
    listener.removeAllListeners('end');
    listener.end().catch(() => undefined);
    if (closed) return;
    if (wasListening) {
      emit(null);
      logger?.warn(
        { err: error },
        'lost the connection that hears changes to cached settings; reading them from the database until it is back',
      );
    }
    reconnect ??= setTimeout(() => {
      reconnect = undefined;
      void listen();
    }, RECONNECT_MS);
    reconnect.unref();
  }

  function start() {
    started = true;
    void listen();
    check = setInterval(() => {
      const listener = client;
      listener?.query('select 1').catch((error: Error) => lost(listener, error));
    }, CHECK_MS);
    check.unref();
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!started) start();
      return () => listeners.delete(listener);
    },
    live: () => client !== undefined,
    changedHere: emit,
    async close() {
      closed = true;
      clearTimeout(reconnect);
      clearInterval(check);
      listeners.clear();
      const listener = client;
      client = undefined;
      await listener?.end().catch(() => undefined);
    },
  };
}
