/**
 * The time built-ins that OPA's WebAssembly target leaves to the host, so that policies can
 * reason about when a request is made (`time.clock(input.request.timestamp_ns)`). Names and
 * results follow OPA's own: https://www.openpolicyagent.org/docs/policy-reference/#time
 */

type TimeArgument = number | [number, string];

const formatters = new Map<string, Intl.DateTimeFormat>();
// Zones come from policies and inputs; far more than any installation uses.
const MAX_FORMATTERS = 64;

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      // OPA reads "" as UTC and "Local" as the host's zone.
      ...(zone === 'Local' ? {} : { timeZone: zone === '' ? 'UTC' : zone }),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'long',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(zone, formatter);
  }
  return formatter;
}

function partsOf(argument: TimeArgument) {
  const [ns, zone] = Array.isArray(argument) ? argument : [argument, 'UTC'];
  if (typeof ns !== 'number' || typeof zone !== 'string') {
    throw new Error('time functions take nanoseconds since the epoch, or [nanoseconds, timezone]');
  }
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = formatterFor(zone);
  } catch {
    throw new Error(`unknown timezone "${zone}"`);
  }
  const parts = Object.fromEntries(
    formatter.formatToParts(new Date(Math.floor(ns / 1e6))).map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: parts.weekday!,
  };
}

export const timeBuiltins = {
  'time.now_ns': () => Date.now() * 1e6,
  'time.clock': (argument: TimeArgument) => {
    const { hour, minute, second } = partsOf(argument);
    return [hour, minute, second];
  },
  'time.date': (argument: TimeArgument) => {
    const { year, month, day } = partsOf(argument);
    return [year, month, day];
  },
  'time.weekday': (argument: TimeArgument) => partsOf(argument).weekday,
} satisfies Record<string, (...args: never[]) => unknown>;
