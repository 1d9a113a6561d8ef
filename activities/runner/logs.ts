import type { Database } from '../../src/db';
import type { Logger } from '../../src/platform/logger';
import type { RunState } from '../../src/runs/types';
import { appendLogLines, currentVisit, lastLogLine } from '../../src/runs/store';

export const MASK = '*****';
// Lines of a multi-line secret shorter than this ("{", "}" of a JSON file) would mask ordinary
// output all over the log; a whole secret is masked however short it is.
const MIN_LINE_LENGTH = 4;
const FLUSH_INTERVAL_MS = 250;
const MAX_BATCH = 500;

/**
 * The forms a tool is likely to print a secret in: as it is, reversed, in base64 (standard
 * and URL-safe, padded or not), URL-encoded and in hex.
 */
function encodings(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [
    secret,
    [...secret].reverse().join(''),
    base64,
    base64.replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
    Buffer.from(secret).toString('hex'),
  ];
}

/**
 * Replaces every occurrence of a secret, in any of its usual encodings, and of each line of a
 * multi-line one, with MASK.
 */
export function createMasker(secrets: string[]): (line: string) => string {
  const whole = secrets.filter((secret) => secret.length > 0).flatMap(encodings);
  const lines = secrets
    .map((secret) => secret.split(/\r?\n/))
    .filter((parts) => parts.length > 1)
    .flat()
    .filter((line) => line.length >= MIN_LINE_LENGTH)
    .flatMap(encodings);
  const terms = [...new Set([...whole, ...lines])]
    .filter((term) => term.length > 0)
    .sort((a, b) => b.length - a.length);
  if (terms.length === 0) return (line) => line;
  return (line) => terms.reduce((masked, term) => masked.replaceAll(term, MASK), line);
}

/**
 * Writes one phase's log lines to the database as they come, masked, in batches a fraction
 * of a second apart, so a reader sees the phase's output while it runs. The lines go to the
 * run's current visit to the phase's state (a replanned run plans again, into a log of its
 * own); numbering continues after lines an earlier attempt of the same visit wrote.
 */
export class RunLogWriter {
  private buffer: Array<{ message: string; timestamp: Date }> = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly db: Database,
    private readonly runId: string,
    private readonly visit: { state: RunState; stateVersion: number },
    private readonly mask: (line: string) => string,
    private nextSeq: number,
    private readonly logger?: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  static async open(options: {
    db: Database;
    runId: string;
    state: RunState;
    secrets: string[];
    logger?: Logger;
  }): Promise<RunLogWriter> {
    const { db, runId, state } = options;
    const stateVersion = await currentVisit(db, runId, state);
    const last = await lastLogLine(db, runId, state, stateVersion);
    return new RunLogWriter(
      db,
      runId,
      { state, stateVersion },
      createMasker(options.secrets),
      last + 1,
      options.logger,
    );
  }

  write(line: string): void {
    this.buffer.push({ message: this.mask(line), timestamp: new Date() });
    if (this.buffer.length >= MAX_BATCH) void this.flush();
  }

  /** Stores what is buffered; a failed write is kept and tried again on the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.buffer.length > 0) {
        const batch = this.buffer.slice(0, MAX_BATCH);
        const first = this.nextSeq;
        try {
          await appendLogLines(
            this.db,
            this.runId,
            this.visit,
            batch.map((line, index) => ({ seq: first + index, ...line })),
          );
        } catch (error) {
          this.logger?.warn({ err: error, runId: this.runId }, 'storing run logs');
          return;
        }
        this.buffer.splice(0, batch.length);
        this.nextSeq = first + batch.length;
      }
    });
    return this.flushing;
  }

  /** Stops the timer and stores the rest; throws if the rest cannot be stored. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.buffer.length > 0) {
      throw new Error(`storing run logs: ${this.buffer.length} lines could not be written`);
    }
  }
}
