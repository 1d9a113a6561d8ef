import { InvalidInputError } from '../../src/platform/errors';
import { RunState, RunType } from '../../src/runs/types';
import {
  changeSettings,
  DEFAULT_SETTINGS,
  hears,
  parseSubscribeOptions,
  SELF,
} from '../../src/slack/subscriptionSettings';

const run = (type: RunType, branch: string, state: RunState) => ({
  type,
  branch,
  state,
  stackBranch: 'main',
});

describe('subscription settings', () => {
  it('hear every state of every run by default, as subscriptions did before settings', () => {
    for (const type of Object.values(RunType)) {
      for (const state of Object.values(RunState)) {
        expect(hears(DEFAULT_SETTINGS, run(type, 'any/branch', state))).toBe(true);
      }
    }
  });

  it('read the options in either spelling, and mentions as Slack escapes them', () => {
    expect(
      parseSubscribeOptions([
        '--events=Unconfirmed,FAILED',
        '--branches',
        'release/*',
        '--types',
        'tracked,tasks',
        '--to',
        '<@U0ADA123|ada>',
      ]),
    ).toEqual({
      change: {
        events: [RunState.UNCONFIRMED, RunState.FAILED],
        branches: 'release/*',
        types: [RunType.TRACKED, RunType.TASK],
      },
      to: 'U0ADA123',
    });
    expect(parseSubscribeOptions(['--events', 'all', '--types', 'all']).change).toEqual({
      events: [],
      types: [],
    });
    expect(parseSubscribeOptions(['--to', 'Me']).to).toBe(SELF);
    expect(parseSubscribeOptions(['--to=U0ADA123']).to).toBe('U0ADA123');
    expect(() => parseSubscribeOptions(['--events'])).toThrow(InvalidInputError);
    expect(() => parseSubscribeOptions(['--branches', 'a b'])).toThrow(InvalidInputError);
    // Shown back in Slack messages, a pattern cannot carry markup or a mention.
    for (const pattern of ['<!channel>', '&lt;x&gt;', 'a`b', '<https://evil.example|docs>']) {
      expect(() => parseSubscribeOptions(['--branches', pattern])).toThrow(InvalidInputError);
    }
    expect(parseSubscribeOptions(['--branches', 'release/{1,2}.*']).change.branches).toBe(
      'release/{1,2}.*',
    );
  });

  it('judge branches, types, events and only-failures', () => {
    const glob = { ...DEFAULT_SETTINGS, branches: 'release/*' };
    expect(hears(glob, run(RunType.TRACKED, 'release/1', RunState.QUEUED))).toBe(true);
    expect(hears(glob, run(RunType.TRACKED, 'release/1/hotfix', RunState.QUEUED))).toBe(false);
    const stackBranch = { ...DEFAULT_SETTINGS, branches: 'default' };
    expect(hears(stackBranch, run(RunType.PROPOSED, 'feature', RunState.FINISHED))).toBe(false);
    expect(hears(stackBranch, run(RunType.PROPOSED, 'main', RunState.FINISHED))).toBe(true);
    const failures = changeSettings(DEFAULT_SETTINGS, { onlyFailures: true });
    expect(hears(failures, run(RunType.TASK, 'main', RunState.FINISHED))).toBe(false);
    expect(hears(failures, run(RunType.TASK, 'main', RunState.FAILED))).toBe(true);
    const tasks = { ...DEFAULT_SETTINGS, types: [RunType.TASK] };
    expect(hears(tasks, run(RunType.TRACKED, 'main', RunState.FAILED))).toBe(false);
  });

  it('keep what a change leaves out; events and only-failures replace each other', () => {
    const failures = changeSettings(
      { ...DEFAULT_SETTINGS, events: [RunState.FINISHED], branches: 'default' },
      { onlyFailures: true },
    );
    expect(failures).toEqual({ ...DEFAULT_SETTINGS, onlyFailures: true, branches: 'default' });
    expect(changeSettings(failures, { events: [RunState.QUEUED] })).toEqual({
      ...DEFAULT_SETTINGS,
      events: [RunState.QUEUED],
      branches: 'default',
    });
  });
});
