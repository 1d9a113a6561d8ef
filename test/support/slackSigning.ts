import { createHmac } from 'node:crypto';

/**
 * Requests as Slack sends them to an app: the body signed with the app's signing secret,
 * `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<body>`, in X-Slack-Signature, beside
 * X-Slack-Request-Timestamp in Unix seconds.
 */
export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackDelivery {
  signingSecret: string;
  /** JSON for the Events API; a form (URLSearchParams) for commands and interactions. */
  body: unknown;
  /** Unix seconds; now when not given. */
  timestamp?: number;
  /** Sent instead of the right signature; `null` sends none. */
  signature?: string | null;
}

/** The headers and body of a request as Slack sends it, signed as `delivery` says. */
export function slackRequest(delivery: SlackDelivery): {
  headers: Record<string, string>;
  body: string;
} {
  const form = delivery.body instanceof URLSearchParams;
  const body =
    delivery.body instanceof URLSearchParams
      ? delivery.body.toString()
      : JSON.stringify(delivery.body);
  const timestamp = delivery.timestamp ?? Math.floor(Date.now() / 1000);
  const signature =
    delivery.signature === undefined
      ? slackSignature(delivery.signingSecret, timestamp, body)
      : delivery.signature;
  return {
    headers: {
      'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(timestamp),
      ...(signature === null ? {} : { 'x-slack-signature': signature }),
    },
    body,
  };
}

/** POSTs a body to a Slack endpoint of Gantry the way Slack does. */
export async function sendAsSlack(url: string, delivery: SlackDelivery): Promise<Response> {
  const { headers, body } = slackRequest(delivery);
  return fetch(url, { method: 'POST', headers, body });
}
