import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { graphiqlRouter } from '../../src/api/graphql/graphiql';

describe('GraphiQL at /graphql', () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use('/graphql', graphiqlRouter());
    // Stands in for the API's own handler: whatever reaches it was not answered by GraphiQL.
    app.use((req, res) => {
      res.status(404).json({ fellThrough: `${req.method} ${req.path}` });
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  const openPage = () => fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });

  const assetUrls = (html: string) =>
    [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map(
      (match) => match[1]!,
    );

  it('answers a browser with the GraphiQL page under a strict Content-Security-Policy', async () => {
    const response = await openPage();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<div id="graphiql">');
    const policy = response.headers.get('content-security-policy');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self'");
  });

  it('loads every script and stylesheet from Gantry itself', async () => {
    const urls = assetUrls(await (await openPage()).text());

    expect(urls).toHaveLength(5);
    for (const url of urls) {
      expect(url).toMatch(/^\/graphql\/assets\//);
      const response = await fetch(new URL(url, base));
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
      expect(response.headers.get('content-type')).toMatch(/^text\/(javascript|css)/);
      const body = await response.text();
      expect(body.length).toBeGreaterThan(0);
      // Fonts and images come inside the stylesheet, never from another host.
      expect(body).not.toMatch(/@import|url\(\s*['"]?(https?:)?\/\//);
    }
  });

  it('leaves POST /graphql to the API', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ fellThrough: 'POST /graphql' });
  });

  it('leaves GET queries from GraphQL clients to the API', async () => {
    const response = await fetch(`${base}/graphql?query=%7B__typename%7D`, {
      headers: { accept: 'application/graphql-response+json, application/json' },
    });

    expect(await response.json()).toEqual({ fellThrough: 'GET /graphql' });
  });

  it('serves only the files it names, nothing else from node_modules', async () => {
    const response = await fetch(`${base}/graphql/assets/package.json`);

    expect(await response.json()).toEqual({ fellThrough: 'GET /graphql/assets/package.json' });
  });
});
