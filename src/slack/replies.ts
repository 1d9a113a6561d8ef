// response_url takes a few seconds at worst; a hung one must not keep work around forever.
const RESPONSE_URL_TIMEOUT_MS = 10_000;

/** A Block Kit block, as Slack's API takes it. */
export type SlackBlock = Record<string, unknown>;

export interface SlackReply {
  response_type: 'ephemeral';
  /** The reply's text; with blocks, what notifications and screen readers show. */
  text: string;
  blocks?: SlackBlock[];
  replace_original?: boolean;
}

/** A reply only the person who acted sees. */
export function ephemeral(text: string, blocks?: SlackBlock[]): SlackReply {
  return { response_type: 'ephemeral', text, ...(blocks ? { blocks } : {}) };
}

/**
 * Posts a reply to the response_url Slack gave with a command or an interaction: JSON, which
 * Slack takes up to five times within 30 minutes of the request.
 */
export async function postReply(
  responseUrl: string,
  reply: SlackReply,
  timeoutMs = RESPONSE_URL_TIMEOUT_MS,
): Promise<void> {
  const answer = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(reply),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!answer.ok) {
    throw new Error(`posting to response_url: Slack answered ${answer.status}`);
  }
}
