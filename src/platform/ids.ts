import { randomFillSync } from 'node:crypto';
import { ulid as makeUlid } from 'ulid';

// Random bytes are drawn from the system's generator this many at a time.
const POOL_BYTES = 4_096;
const pool = new Uint8Array(POOL_BYTES);
let next = POOL_BYTES;

/** A random number in [0, 1) from the system's generator, taken from a pool of its bytes. */
function random(): number {
  if (next === POOL_BYTES) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

/**
 * A new ULID: the time, then 80 random bits from the system's generator. The `ulid` package
 * asks the generator for one byte per character, a call into the system each; drawn from a
 * pool they are the same bytes for a fraction of the cost, on paths that make several ids a
 * request.
 */
export function ulid(seedTime?: number): string {
  return makeUlid(seedTime, random);
}
