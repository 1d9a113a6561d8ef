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
