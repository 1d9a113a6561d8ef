import { customType, timestamp } from 'drizzle-orm/pg-core';

/** Column kinds shared by every noun's tables. */

// node-postgres reads bytea as a Buffer, PGlite as a Uint8Array: both become Buffers.
export const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

export const createdAt = () =>
  timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
