/** Times for people: "3 min ago", "in 2 h", exact local time on hover. */

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1_000],
] as const;

/** One unit, rounded down: 200 s → "3 min". */
function span(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size) return `${Math.floor(ms / size)} ${unit}`;
  }
  return '0 s';
}

/** "3 min ago", "in 2 h", "just now" (within 5 s either way). */
export function relativeTime(iso: string, now: number): string {
  const delta = Date.parse(iso) - now;
  if (Number.isNaN(delta)) return '—';
  if (Math.abs(delta) < 5_000) return delta >= 0 ? 'now' : 'just now';
  return delta < 0 ? `${span(-delta)} ago` : `in ${span(delta)}`;
}

/** The exact instant in the viewer's zone (and in another zone when given), for tooltips and tables. */
export function exactTime(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  };
  return date.toLocaleString(undefined, timeZone ? { ...options, timeZone } : options);
}

/** Durations of runs: 850 ms → "850 ms", 93 000 → "1 min 33 s". */
export function formatRunDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  if (minutes < 60) return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
