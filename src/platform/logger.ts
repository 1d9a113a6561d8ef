import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; messages are lowercase and quote values. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'gantry', ...bindings } });
}
