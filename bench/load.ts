/** Loading a server with a fixed number of requests, some at a time, and what it took. */

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Runs `send` `count` times with `concurrency` in flight at once; the rate, and the p50 and
 * p99 of the latencies in milliseconds.
 */
export async function measureConcurrently(
  name: string,
  count: number,
  concurrency: number,
  send: () => Promise<void>,
) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const before = performance.now();
        await send();
        latencies.push(performance.now() - before);
      }
    }),
  );
  const totalMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    name,
    perSecond: Number(((count / totalMs) * 1000).toFixed(1)),
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
  };
}
