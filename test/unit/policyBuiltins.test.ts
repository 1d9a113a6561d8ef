import { timeBuiltins } from '../../src/policy/builtins';

const ns = (iso: string) => Date.parse(iso) * 1e6;

describe("Gantry's time built-ins for policies", () => {
  it('reads a time in UTC by default, as OPA does', () => {
    const at = ns('2026-11-25T23:30:05Z');
    expect(timeBuiltins['time.clock'](at)).toEqual([23, 30, 5]);
    expect(timeBuiltins['time.date'](at)).toEqual([2026, 11, 25]);
    expect(timeBuiltins['time.weekday'](at)).toBe('Wednesday');
    expect(timeBuiltins['time.clock']([at, ''])).toEqual([23, 30, 5]);
  });

  it('reads a time in a named zone, across the date line', () => {
    const at = ns('2026-11-25T23:30:05Z');
    expect(timeBuiltins['time.clock']([at, 'Europe/Berlin'])).toEqual([0, 30, 5]);
    expect(timeBuiltins['time.date']([at, 'Europe/Berlin'])).toEqual([2026, 11, 26]);
    expect(timeBuiltins['time.weekday']([at, 'Europe/Berlin'])).toBe('Thursday');
    expect(timeBuiltins['time.date']([at, 'America/Los_Angeles'])).toEqual([2026, 11, 25]);
  });

  it('counts the nanosecond before the epoch in 1969', () => {
    expect(timeBuiltins['time.date'](-1)).toEqual([1969, 12, 31]);
  });

  it('refuses an unknown zone by name', () => {
    expect(() => timeBuiltins['time.clock']([0, 'Mars/Olympus_Mons'])).toThrow(
      'unknown timezone "Mars/Olympus_Mons"',
    );
  });

  it('tells the time now in nanoseconds', () => {
    const before = Date.now() * 1e6;
    expect(timeBuiltins['time.now_ns']()).toBeGreaterThanOrEqual(before);
  });
});
