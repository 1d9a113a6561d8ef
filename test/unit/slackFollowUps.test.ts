import { Writable } from 'node:stream';
import pino from 'pino';
import { SlackFollowUps, type FollowUp } from '../../src/slack/followUps';
import { ephemeral, type SlackReply } from '../../src/slack/replies';
import { startSlackServer, type SlackServer } from '../support/slackServer';

/** Work that is done when the test says so. */
function pending() {
  let finish!: (reply: SlackReply | undefined) => void;
  const done = new Promise<SlackReply | undefined>((resolve) => (finish = resolve));
  return { done, finish };
}

describe('the work of Slack requests after their ack', () => {
  let slack: SlackServer;
  let logged: Array<Record<string, unknown>>;
  const logger = () =>
    pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );

  /** A follow-up of a command that answers with `work`, at a response_url of its own. */
  function followUp(name: string, work: () => Promise<SlackReply | undefined>): FollowUp {
    return {
      responseUrl: slack.responseUrl(),
      request: { command: `/gantry ${name}` },
      work,
      notRun: ephemeral(`Gantry was stopping and did not run \`/gantry ${name}\`.`),
    };
  }

  beforeAll(async () => {
    slack = await startSlackServer();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    logged = [];
  });

  it('posts each reply to its response_url; a reply Slack refuses is logged', async () => {
    const followUps = new SlackFollowUps({ logger: logger() });
    const told = followUp('status payments', () => Promise.resolve(ephemeral('FINISHED')));
    const quiet = followUp('confirm', () => Promise.resolve(undefined));
    const lost = { ...followUp('help', () => Promise.resolve(ephemeral('help'))) };
    lost.responseUrl = `${slack.url}/nowhere`;
    for (const each of [told, quiet, lost]) followUps.start(each);
    await followUps.idle();

    expect(slack.responsesAt(told.responseUrl!).map((response) => response.body)).toEqual([
      { response_type: 'ephemeral', text: 'FINISHED' },
    ]);
    expect(slack.responsesAt(quiet.responseUrl!)).toEqual([]);
    expect(logged).toEqual([
      expect.objectContaining({
        msg: 'slack reply not delivered',
        command: '/gantry help',
        err: expect.objectContaining({
          message: 'posting to response_url: Slack answered 404',
        }) as unknown,
      }),
    ]);
  });

  it('starts work one piece at a time, the next once the last has done its work', async () => {
    const followUps = new SlackFollowUps({ logger: logger(), turnMs: 60_000 });
    const works = [pending(), pending(), pending()];
    const started: number[] = [];
    const starts = works.map(() => {
      let resolve!: () => void;
      return { promise: new Promise<void>((done) => (resolve = done)), resolve };
    });
    const requests = works.map((work, index) =>
      followUp(`status ${index}`, () => {
        started.push(index);
        starts[index]!.resolve();
        return work.done;
      }),
    );
    for (const request of requests) followUps.start(request);
    // Not even the first starts before the event loop has taken waiting requests.
    expect(started).toEqual([]);
    await starts[0]!.promise;
    expect(started).toEqual([0]);

    works[0]!.finish(ephemeral('zero'));
    await starts[1]!.promise;
    expect(started).toEqual([0, 1]);
    works[1]!.finish(ephemeral('one'));
    await starts[2]!.promise;
    works[2]!.finish(ephemeral('two'));
    await followUps.idle();
    expect(
      requests.map((request) => slack.responsesAt(request.responseUrl!)[0]?.body.text),
    ).toEqual(['zero', 'one', 'two']);
  });

  it('lets the next start while one waits long on something, up to a limit', async () => {
    const followUps = new SlackFollowUps({ logger: logger(), turnMs: 10, maxRunning: 2 });
    const works = [pending(), pending(), pending()];
    const started: number[] = [];
    const requests = works.map((work, index) =>
      followUp(`status ${index}`, () => {
        started.push(index);
        return work.done;
      }),
    );
    for (const request of requests) followUps.start(request);
    const deadline = Date.now() + 10_000;
    while (started.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(started).toEqual([0, 1]);
    // Two are running, both slow: the third waits for one of them.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toEqual([0, 1]);
    works[1]!.finish(ephemeral('one'));
    works[0]!.finish(ephemeral('zero'));
    works[2]!.finish(ephemeral('two'));
    await followUps.idle();
    expect(started).toEqual([0, 1, 2]);
  });

  it('waits on stop for the work it took, and posts its reply before it is done', async () => {
    const followUps = new SlackFollowUps({ logger: logger() });
    const work = pending();
    const request = followUp('trigger payments', () => work.done);
    followUps.start(request);

    let stopped = false;
    const stopping = followUps.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    work.finish(ephemeral('Triggered a tracked run'));
    await stopping;
    expect(slack.responsesAt(request.responseUrl!).map((response) => response.body.text)).toEqual([
      'Triggered a tracked run',
    ]);
    expect(logged).toEqual([]);
  });

  it('tells requests that had not begun when it stops that they were not run, and logs those still running', async () => {
    const followUps = new SlackFollowUps({
      logger: logger(),
      turnMs: 60_000,
      stopWaitMs: 50,
    });
    const stuck = pending();
    const running = followUp('status stuck', () => stuck.done);
    const waiting = followUp('trigger payments', () => Promise.resolve(ephemeral('ran')));
    followUps.start(running);
    followUps.start(waiting);

    await followUps.stop();
    expect(slack.responsesAt(waiting.responseUrl!).map((response) => response.body)).toEqual([
      {
        response_type: 'ephemeral',
        text: 'Gantry was stopping and did not run `/gantry trigger payments`.',
      },
    ]);
    // Taken after the stop: told the same at once.
    const late = followUp('status late', () => Promise.resolve(ephemeral('ran')));
    followUps.start(late);
    expect((await slack.response(late.responseUrl!)).body.text).toContain('did not run');
    expect(logged.map((line) => [line.msg, line.command])).toEqual([
      [
        'slack request still running as gantry stops: its reply may never reach slack',
        '/gantry status stuck',
      ],
      ['slack request not run: gantry is stopping', '/gantry trigger payments'],
      ['slack request not run: gantry is stopping', '/gantry status late'],
    ]);

    stuck.finish(undefined);
    await followUps.idle();
  });
});
