import { Client, Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { searchAttributeKeys } from './searchAttributes';

export { poolTaskQueue, TASK_QUEUE } from './queues';
const PING_TIMEOUT_MS = 2_000;

export interface TemporalHandle {
  connection: Connection;
  client: Client;
  /** Resolves when the frontend answers within a couple of seconds. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The connection is lazy so that an API process starts, and reports Temporal as down on
 * /readyz, while Temporal is unreachable. Readiness asks through a second connection without
 * the SDK's retry interceptor: a probe must answer now, and retries left pending on a closed
 * channel throw from a timer.
 */
export function connectTemporal(address: string, namespace: string): TemporalHandle {
  const connection = Connection.lazy({ address });
  const probe = Connection.lazy({ address, interceptors: [] });
  const client = new Client({ connection, namespace });
  return {
    connection,
    client,
    async ping() {
      await probe.withDeadline(Date.now() + PING_TIMEOUT_MS, () =>
        probe.workflowService.getSystemInfo({}),
      );
    },
    async close() {
      await Promise.all([connection.close(), probe.close()]);
    },
  };
}

const { IndexedValueType } = temporal.api.enums.v1;
const indexedValueTypes: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Registers Gantry's search attributes in the namespace; those already there are left alone. */
export async function ensureSearchAttributes(connection: Connection, namespace: string) {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = searchAttributeKeys.filter((key) => !known.has(key.name));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((key) => [key.name, indexedValueTypes[key.type]]),
    ),
  });
}
