/** Loading a server with a fixed number of requests, some at a time, and what it took. */
import http from 'node:http';

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

/**
 * Runs several kinds of request interleaved, `concurrency` in flight at once in all, so that
 * each kind meets the same load; each kind's rate and latencies as measureConcurrently gives
 * them (its rate over the whole time they all took).
 */
export async function measureTogether(
  concurrency: number,
  kinds: Array<{ name: string; count: number; send: () => Promise<void> }>,
) {
  // Round robin: the kinds take turns, so none meets a load the others did not.
  const queue: number[] = [];
  for (let round = 0; queue.length < kinds.reduce((sum, kind) => sum + kind.count, 0); round++) {
    kinds.forEach((kind, index) => {
      if (round < kind.count) queue.push(index);
    });
  }
  const latencies = kinds.map(() => [] as number[]);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < queue.length) {
        const kind = queue[next++]!;
        const before = performance.now();
        await kinds[kind]!.send();
        latencies[kind]!.push(performance.now() - before);
      }
    }),
  );
  const totalMs = performance.now() - started;
  return kinds.map((kind, index) => {
    const sorted = latencies[index]!.sort((a, b) => a - b);
    return {
      name: kind.name,
      perSecond: Number(((kind.count / totalMs) * 1000).toFixed(1)),
      p50Ms: Number(percentile(sorted, 50).toFixed(1)),
      p99Ms: Number(percentile(sorted, 99).toFixed(1)),
    };
  });
}

/**
 * A client that POSTs over kept-alive connections with node:http, as the benchmarks' load:
 * fetch streams every body through web streams, work that would be counted against the
 * server measured in the same process, and is starved of turns by a busy event loop.
 */
export function httpPoster(connections: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  return {
    post(
      url: string,
      headers: Record<string, string>,
      body: string,
    ): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const request = http.request(
          url,
          {
            method: 'POST',
            agent,
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
