import type { ServerResponse } from 'node:http';

/**
 * Answers a person's browser with a small page. `title` is Gantry's own text; `body` is HTML
 * whose every outside value the caller has escaped.
 */
export function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Gantry</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}code{word-break:break-all}</style>
</head><body><h1>${title}</h1>${body}</body></html>`);
}
