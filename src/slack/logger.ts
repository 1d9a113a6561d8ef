import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../platform/logger';

/**
 * Slack's libraries log through this into Gantry's log. Their debug lines are dropped: they
 * print request bodies, and oauth.v2.access bodies hold the client secret unredacted. Their
 * info lines (rate-limit waits, retries) are routine for Gantry, so they are logged at debug.
 */
export function slackLogger(logger: Logger): SlackLogger {
  const line = (parts: unknown[]) => parts.map((part) => String(part)).join(' ');
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => logger.debug(line(parts)),
    warn: (...parts: unknown[]) => logger.warn(line(parts)),
    error: (...parts: unknown[]) => logger.warn(line(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
