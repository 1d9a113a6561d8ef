import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../platform/secrets';

/** How long an install link from the slackIntegration query works. */
export const INSTALL_GRANT_MINUTES = 10;

/**
 * An admin's leave to install the Slack app, carried in the `grant` parameter of
 * /slack/install because a browser following a link sends no bearer token: the expiry in Unix
 * seconds and its HMAC under a key derived from GANTRY_ENCRYPTION_KEY. Only the admin-only
 * slackIntegration query hands one out.
 */
export function signInstallGrant(box: SecretBox, now = Date.now()): string {
  const expires = String(Math.floor(now / 1000) + INSTALL_GRANT_MINUTES * 60);
  return `${expires}.${mac(box, expires)}`;
}

/** Why a grant does not let its bearer install; nothing when it does. */
export function installGrantProblem(
  box: SecretBox,
  grant: unknown,
  now = Date.now(),
): string | undefined {
  if (typeof grant !== 'string' || grant === '') {
    return 'This link carries no grant from a Gantry admin';
  }
  const [expires = '', given = '', ...rest] = grant.split('.');
  const expected = Buffer.from(mac(box, expires));
  const actual = Buffer.from(given);
  if (
    rest.length > 0 ||
    !/^\d+$/.test(expires) ||
    actual.length !== expected.length ||
    !timingSafeEqual(actual, expected)
  ) {
    return 'The grant in this link was not made by this Gantry';
  }
  if (Number(expires) * 1000 < now) {
    return `The grant in this link has expired; install links work for ${INSTALL_GRANT_MINUTES} minutes`;
  }
  return undefined;
}

function mac(box: SecretBox, expires: string): string {
  return createHmac('sha256', box.deriveKey('slack install'))
    .update(`slack install until ${expires}`)
    .digest('base64url');
}
