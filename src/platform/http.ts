import type { ServerResponse } from 'node:http';
import type { Request } from 'express';

/** The body is larger than the route takes. */
export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`the body is larger than the limit of ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * A request's body as the bytes that came, for routes that authenticate the body itself before
 * parsing it (Slack signatures, GitLab webhooks). Past `limit`, reading stops at once; with
 * `drain`, for a sender already authenticated, the rest is read and dropped so that the answer
 * reaches it.
 */
export async function readRawBody(
  req: Request,
  limit: number,
  options: { drain?: boolean } = {},
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else if (!options.drain) throw new BodyTooLargeError(limit);
  }
  if (size > limit) throw new BodyTooLargeError(limit);
  return Buffer.concat(chunks);
}

/**
 * Answers a person's browser with a small page. `title` is Gantry's own text; `body` is HTML
 * whose every outside value the caller has escaped. Nothing on it loads or runs anything.
 */
export function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    // Pages that carry forms (linking a Slack account) must not be framed by another page.
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Gantry</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}code{word-break:break-all}</style>
</head><body><h1>${title}</h1>${body}</body></html>`);
}
