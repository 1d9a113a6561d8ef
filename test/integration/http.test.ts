import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/platform/logger';
import { createMetrics } from '../../src/platform/metrics';
import { connectTemporal, type TemporalHandle } from '../../temporal/client';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

describe('the HTTP skeleton', () => {
  let temporal: TestTemporal;
  let database: TestDatabase;
  let client: TemporalHandle;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    [temporal, database] = await Promise.all([
      startTestTemporal(),
      openTestDatabase({ kind: 'pglite' }),
    ]);
    client = connectTemporal(temporal.address, temporal.namespace);
    const app = createApp({
      logger: createLogger('silent'),
      metrics: createMetrics(),
      maxBodyBytes: 4096,
      readiness: [
        { name: 'database', check: () => database.ping() },
        { name: 'temporal', check: () => client.ping() },
      ],
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await client?.close();
    await Promise.all([temporal?.stop(), database?.close()]);
  });

  it('answers /healthz while the process is up', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when the database and Temporal answer', async () => {
    const response = await fetch(`${base}/readyz`);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', temporal: 'ok' },
    });
    expect(response.status).toBe(200);
  });

  it('serves Prometheus metrics with process metrics and request timings', async () => {
    await fetch(`${base}/healthz`);
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await response.text();
    expect(body).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(body).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(body).toMatch(
      /^gantry_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/m,
    );
  });

  it('refuses a body over the limit with 413 and malformed JSON with 400', async () => {
    const tooLarge = await fetch(`${base}/healthz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(5000) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({
      error: 'request body is larger than the limit of 4096 bytes',
    });

    const malformed = await fetch(`${base}/healthz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"unterminated":',
    });
    expect(malformed.status).toBe(400);
    const { error } = (await malformed.json()) as { error: string };
    expect(error).toMatch(/^request body is not valid JSON: /);
  });

  it('answers an unknown route with 404 naming it', async () => {
    const response = await fetch(`${base}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no route for GET /nowhere' });
  });

  // Last: it stops the dev server.
  it('answers /readyz 503 naming Temporal once Temporal is gone', async () => {
    await temporal.stop();
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', temporal: 'down' },
      down: ['temporal'],
    });
  });
});
