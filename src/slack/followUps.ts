import type { Logger } from '../platform/logger';
import { postReply, type SlackReply } from './replies';

// Work starts one piece at a time: with the embedded database every statement runs on the
// event loop, so whatever the running work has queued delays the next request's ack. A piece
// that takes longer than this is waiting on Slack or a repository, and lets the next start.
const TURN_MS = 250;
// However long the running work waits, no more than this runs at once (PostgreSQL's pool
// has ten connections for everything).
const MAX_RUNNING = 8;
// How long a stopping process waits for the work it acknowledged, within the 10 s a stop may take.
const STOP_WAIT_MS = 3_000;
// Telling someone their request was not run must not hold the stop up for long either.
const NOT_RUN_REPLY_TIMEOUT_MS = 1_000;

/** A command or button press Slack has been answered for, and what is still to be done. */
export interface FollowUp {
  /** Where the reply goes; without one (or `deliver`) the work is done and nobody is told. */
  responseUrl: string | undefined;
  /** How the reply goes when it is not to a response_url: a direct message's answer. */
  deliver?: (reply: SlackReply) => Promise<void>;
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
 * Work starts one piece at a time, each only after the event loop has taken in the requests
 * that arrived meanwhile; the next starts when the last is done with its work (its reply is
 * posted meanwhile) or has been waiting on something outside Gantry for a quarter of a
 * second. So a request's ack waits for at most one piece's database statements, and a slow
 * users.info holds nobody else up for long.
 *
 * A process that stops waits a few seconds for the work it answered for. Work that has not
 * begun by then is told at its response_url that it was not run; work still running is
 * logged. No request is dropped without a word.
 */
export class SlackFollowUps {
  private readonly waiting: FollowUp[] = [];
  private readonly running = new Set<FollowUp>();
  private idleWaiters: Array<() => void> = [];
  /** Whether a piece of work is starting or has the turn. */
  private turnTaken = false;
  private stopping = false;
  private readonly logger: Logger;
  private readonly turnMs: number;
  private readonly maxRunning: number;
  private readonly stopWaitMs: number;

  constructor(options: {
    logger: Logger;
    turnMs?: number;
    maxRunning?: number;
    stopWaitMs?: number;
  }) {
    this.logger = options.logger;
    this.turnMs = options.turnMs ?? TURN_MS;
    this.maxRunning = options.maxRunning ?? MAX_RUNNING;
    this.stopWaitMs = options.stopWaitMs ?? STOP_WAIT_MS;
  }

  /** Starts the work when its turn comes. */
  start(followUp: FollowUp): void {
    if (this.stopping) {
      void this.tellNotRun(followUp);
      return;
    }
    this.waiting.push(followUp);
    this.next();
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

  /** Gives the turn to the next waiting work, once the event loop has taken new requests. */
  private next(): void {
    if (this.turnTaken || this.waiting.length === 0 || this.running.size >= this.maxRunning) {
      return;
    }
    this.turnTaken = true;
    setImmediate(() => {
      const followUp = this.waiting.shift();
      if (!followUp) {
        // Stopping took what was waiting.
        this.turnTaken = false;
        return;
      }
      this.running.add(followUp);
      let given = false;
      const giveBack = () => {
        if (given) return;
        given = true;
        clearTimeout(timer);
        this.turnTaken = false;
        this.next();
      };
      const timer = setTimeout(giveBack, this.turnMs);
      void this.complete(followUp, giveBack).finally(() => {
        this.running.delete(followUp);
        giveBack();
        // A piece that gave the turn back early may have kept the next from starting.
        this.next();
        if (this.running.size === 0 && this.waiting.length === 0) {
          for (const resolve of this.idleWaiters.splice(0)) resolve();
        }
      });
    });
  }

  private async complete(followUp: FollowUp, workDone: () => void): Promise<void> {
    let reply: SlackReply | undefined;
    try {
      reply = await followUp.work();
    } catch (error) {
      // The work turns its failures into replies; this is a failure to do even that.
      this.logger.error({ err: error, ...followUp.request }, 'slack request failed');
      return;
    } finally {
      workDone();
    }
    if (reply) await this.post(followUp, reply);
  }

  private async tellNotRun(followUp: FollowUp): Promise<void> {
    this.logger.warn(followUp.request, 'slack request not run: gantry is stopping');
    await this.post(followUp, followUp.notRun, NOT_RUN_REPLY_TIMEOUT_MS);
  }

  private async post(followUp: FollowUp, reply: SlackReply, timeoutMs?: number): Promise<void> {
    const { responseUrl, deliver } = followUp;
    if (!responseUrl && !deliver) return;
    try {
      if (deliver) await deliver(reply);
      else await postReply(responseUrl!, reply, timeoutMs);
    } catch (error) {
      this.logger.warn({ err: error, ...followUp.request }, 'slack reply not delivered');
    }
  }
}
