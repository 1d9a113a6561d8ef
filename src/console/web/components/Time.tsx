const SHORT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

/** A moment the API gives in Unix seconds, in the reader's time zone. */
export function Time({ unix }: { unix: number }) {
  const date = new Date(unix * 1000);
  return (
    <time dateTime={date.toISOString()} title={FULL.format(date)}>
      {SHORT.format(date)}
    </time>
  );
}

/** How long something took, from Unix seconds to Unix seconds: "42 s", "3 min 5 s", "2 h 4 min". */
export function formatDuration(from: number, to: number): string {
  const seconds = Math.max(0, Math.round(to - from));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}
