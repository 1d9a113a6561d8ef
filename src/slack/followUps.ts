import type { Logger } from '../platform/logger';
import { postReply, type SlackReply } from './replies';

// How much work runs at once; more waits its turn. The embedded database runs statements on
// the event loop, one after another, so whatever the running work has queued delays the next
// request's ack (its replay check is a statement too); with PostgreSQL, four leave most of
// the pool's ten connections to everything else. Slack's commands come at human pace.
const RUNNING_AT_ONCE = 4;
// How long a stopping process waits for the work it acknowledged, within the 10 s a stop may take.
const STOP_WAIT_MS = 3_000;
// Telling someone their request was not run must not hold the stop up for long either.
const NOT_RUN_REPLY_TIMEOUT_MS = 1_000;

/** A command or button press Slack has been answered for, and what is still to be done. */
export interface FollowUp {
  /** Where the reply goes; without one the work is done and nobody is told. */
  responseUrl: string | undefined;
  /** What names the request in the log: its team, user, channel, command. */
  request: Record<string, unknown>;
  /** Does the work; the reply, when there is something to tell. Failures are replies too. */
  work: () => Promise<SlackReply | undefined>;
  /** The reply when the process stops before the work began. */
  notRun: SlackReply;
}

/**
 * The work of Slack commands and button presses, done after Slack was answered: Slack shows
 * the person an error unless the request is answered within 3 s, and reading the workspace,
 * asking Slack who the person is, judging the stack's policies and reading or starting runs
 * can take longer. So each request is answered with an empty 200 (Slack shows nothing for it)
 * once its signature checks out, and its reply is posted to the request's response_url when
 * the work is done.
 *
 * At most four pieces of work run at once and the rest wait their turn, so a burst
 * of commands does not stand between the next request and its answer.
 *
 * A process that stops waits a few seconds for the work it answered for. Work that has not
 * begun by then is told at its response_url that it was not run; work still running is
 * logged. No request is dropped without a word.
 */
export class SlackFollowUps {
  private readonly waiting: FollowUp[] = [];
  private readonly running = new Set<FollowUp>();
  private idleWaiters: Array<() => void> = [];
  private stopping = false;
  private readonly logger: Logger;
  private readonly runningAtOnce: number;
  private readonly stopWaitMs: number;

  constructor(options: { logger: Logger; runningAtOnce?: number; stopWaitMs?: number }) {
    this.logger = options.logger;
    this.runningAtOnce = options.runningAtOnce ?? RUNNING_AT_ONCE;
    this.stopWaitMs = options.stopWaitMs ?? STOP_WAIT_MS;
  }

  /** Starts the work now, or when its turn comes. */
  start(followUp: FollowUp): void {
    if (this.stopping) {
      void this.tellNotRun(followUp);
    } else if (this.running.size < this.runningAtOnce) {
      this.run(followUp);
    } else {
      this.waiting.push(followUp);
    }
  }

  /** Resolves once no work is waiting or running. */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Takes no more work, waits a few seconds for what was taken, tells whoever is still waiting
   * that their request was not run, and logs the work still running.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.stopWaitMs);
      }),
    ]);
    clearTimeout(timer);
    for (const followUp of this.running) {
      this.logger.error(
        followUp.request,
        'slack request still running as gantry stops: its reply may never reach slack',
      );
    }
    await Promise.all(this.waiting.splice(0).map((followUp) => this.tellNotRun(followUp)));
  }

  private run(followUp: FollowUp): void {
    this.running.add(followUp);
    void this.complete(followUp).finally(() => {
      this.running.delete(followUp);
      const next = this.waiting.shift();
      if (next) {
        this.run(next);
      } else if (this.running.size === 0) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
      }
    });
  }

  private async complete(followUp: FollowUp): Promise<void> {
    let reply: SlackReply | undefined;
    try {
      reply = await followUp.work();
    } catch (error) {
      // The work turns its failures into replies; this is a failure to do even that.
      this.logger.error({ err: error, ...followUp.request }, 'slack request failed');
      return;
    }
    if (reply) await this.post(followUp, reply);
  }

  private async tellNotRun(followUp: FollowUp): Promise<void> {
    this.logger.warn(followUp.request, 'slack request not run: gantry is stopping');
    await this.post(followUp, followUp.notRun, NOT_RUN_REPLY_TIMEOUT_MS);
  }

  private async post(followUp: FollowUp, reply: SlackReply, timeoutMs?: number): Promise<void> {
    if (!followUp.responseUrl) return;
    try {
      await postReply(followUp.responseUrl, reply, timeoutMs);
    } catch (error) {
      this.logger.warn({ err: error, ...followUp.request }, 'slack reply not delivered');
    }
  }
}
