/** Durations are milliseconds everywhere inside CronSentry; these helpers parse the user's words. */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const UNIT_MS = { s: SECOND, m: MINUTE, h: HOUR, d: DAY } as const;
const DURATION_PATTERN = /^(\d{1,7})\s*([smhd])$/;

/** Parses `90s`, `5m`, `2h`, `1d`; returns undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  return amount * UNIT_MS[unit];
}

/** The shortest exact spelling of a duration: 900000 → `15m`, 90000 → `90s`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    if (ms % UNIT_MS[unit] === 0 && ms >= UNIT_MS[unit]) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${Math.round(ms / SECOND)}s`;
}

/** Words for people: 90000 → `1 min 30 s`, 7200000 → `2 h`. */
export function describeDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms / SECOND)) * SECOND;
  for (const [unit, size] of [
    ['d', DAY],
    ['h', HOUR],
    ['min', MINUTE],
    ['s', SECOND],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.length ? parts.slice(0, 2).join(' ') : '0 s';
}

/**
 * A run's duration in words, with tenths of a second under a minute (`0.3 s`, `29.9 s`), where
 * `describeDuration` would round a too-short run to `0 s` or up to its bound.
 */
export function describeRuntime(ms: number): string {
  if (ms >= MINUTE) return describeDuration(ms);
  const tenths = Math.floor(Math.max(0, ms) / 100) / 10;
  return `${tenths} s`;
}
