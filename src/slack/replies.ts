import type { Response } from 'express';
import type { Logger } from '../platform/logger';

/** Slack gives an app 3 s to answer; what is not ready by this goes to response_url instead. */
const ACK_DEADLINE_MS = 2_000;
// response_url takes a few seconds at worst; a hung one must not keep work around forever.
const RESPONSE_URL_TIMEOUT_MS = 10_000;

export interface SlackReply {
  response_type: 'ephemeral';
  text: string;
  replace_original?: boolean;
}

/** A reply only the person who acted sees. */
export function ephemeral(text: string): SlackReply {
  return { response_type: 'ephemeral', text };
}

/** Posts a reply to the response_url Slack gave with a command or an interaction. */
export async function postReply(responseUrl: string, reply: SlackReply): Promise<void> {
  const answer = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(reply),
    signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
  });
  if (!answer.ok) {
    throw new Error(`posting to response_url: Slack answered ${answer.status}`);
  }
}

/**
 * Answers with the reply when `work` has it within the deadline; otherwise acknowledges at once
 * with an empty 200 (Slack shows nothing for it) and posts the reply to response_url when ready.
 * `work` never rejects: its failures are replies too.
 */
export async function replyInTime(
  res: Response,
  responseUrl: string,
  work: Promise<SlackReply>,
  logger: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ACK_DEADLINE_MS);
  });
  const early = await Promise.race([work, late]);
  clearTimeout(timer);
  if (early) {
    res.json(early);
    return;
  }
  res.status(200).end();
  const reply = await work;
  await postReply(responseUrl, reply).catch((error: Error) => {
    logger.warn({ err: error }, 'slack reply not delivered');
  });
}
