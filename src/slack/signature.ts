import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { BodyTooLargeError, readRawBody } from '../platform/http';
import type { Database } from '../db';
import { firstSightOfSignature, forgetSignaturesSeenBefore } from './store';

/** Slack's replay window: a request signed longer ago than this, or later, is refused. */
const MAX_AGE_SECONDS = 5 * 60;
// A timestamp may run up to the window ahead of the clock, so a signature stays acceptable for
// up to twice the window after it is first seen.
const SEEN_FOR_SECONDS = 2 * MAX_AGE_SECONDS;
// Signatures past their window are deleted now and then, not on every request: the delete
// reads the whole table, and a signature kept a minute longer does no harm.
const FORGET_EVERY_MS = 60_000;

const rawBodies = new WeakMap<Request, Buffer>();

/** The body exactly as Slack sent and signed it, for a request verifySlackRequest let through. */
export function slackRawBody(req: Request): Buffer {
  const body = rawBodies.get(req);
  if (!body) throw new Error('reading the Slack request body: verifySlackRequest did not run');
  return body;
}

/**
 * Lets a request through only if Slack signed it: `X-Slack-Signature` must be `v0=` and the
 * HMAC-SHA256, under the signing secret, of `v0:<X-Slack-Request-Timestamp>:<raw body>`, with
 * the timestamp within five minutes of now. Anything else is answered 401 and goes no further.
 *
 * Each signature is let through once: it is kept in slack_requests_seen for as long as it could
 * be accepted, and a request carrying it again is a replay, answered an empty 200 (which Slack
 * reads as delivered) and acted on no further.
 *
 * The body is read here, within `maxBodyBytes`, because the signature covers its exact bytes;
 * a verified body is then parsed for the handler (`req.body`: JSON, or form fields as strings)
 * and kept as it came for `slackRawBody`.
 */
export function verifySlackRequest(options: {
  signingSecret: string;
  maxBodyBytes: number;
  db: Database;
  /** Milliseconds since the epoch; tests move the clock. */
  now?: () => number;
}): RequestHandler {
  const now = options.now ?? Date.now;
  let forgottenAt = -Infinity;
  return async (req, res, next) => {
    const refuse = (status: number, message: string) => {
      res.status(status).json({ error: message });
    };
    const signature = req.get('x-slack-signature');
    const timestamp = req.get('x-slack-request-timestamp');
    if (!signature || !timestamp) {
      return refuse(401, 'the request carries no X-Slack-Signature and X-Slack-Request-Timestamp');
    }
    if (!/^\d+$/.test(timestamp)) {
      return refuse(401, 'X-Slack-Request-Timestamp is not a Unix timestamp');
    }
    if (Math.abs(now() / 1000 - Number(timestamp)) > MAX_AGE_SECONDS) {
      return refuse(401, 'X-Slack-Request-Timestamp is more than 5 minutes away from now');
    }
    const body = await readRawBody(req, options.maxBodyBytes).catch((error: Error) => error);
    if (body instanceof Error) {
      return refuse(body instanceof BodyTooLargeError ? 413 : 400, body.message);
    }
    const expected = Buffer.from(
      `v0=${createHmac('sha256', options.signingSecret)
        .update(`v0:${timestamp}:`)
        .update(body)
        .digest('hex')}`,
    );
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return refuse(
        401,
        'X-Slack-Signature does not match the body signed with SLACK_SIGNING_SECRET',
      );
    }
    if (Date.now() - forgottenAt >= FORGET_EVERY_MS) {
      forgottenAt = Date.now();
      await forgetSignaturesSeenBefore(options.db, SEEN_FOR_SECONDS);
    }
    if (!(await firstSightOfSignature(options.db, signature))) {
      res.status(200).end();
      return;
    }
    try {
      req.body = parse(req, body);
    } catch (error) {
      return refuse(400, (error as Error).message);
    }
    rawBodies.set(req, body);
    next();
  };
}

/** Slack sends events as JSON, commands and interactions as form fields. */
function parse(req: Request, body: Buffer): unknown {
  if (req.is('application/json')) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new Error(`the body is not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (req.is('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  throw new Error(
    `the body is ${req.get('content-type') ?? 'of no type'}; Slack sends application/json or application/x-www-form-urlencoded`,
  );
}
