import { MINUTE, parseDuration } from './durations';

// Apart from schedule.ts on purpose: the dashboard uses this, and must not bundle cron-parser.

/**
 * The crontab line of an interval, when cron can say it exactly: a step that divides the hour
 * (`every 15m` → `*\/15 * * * *`), a number of hours that divides the day (`every 2h` →
 * `0 *\/2 * * *`), a day, or a week. Anything else (`every 45m`, `every 5h`, `every 2d`) has
 * no exact cron form, since cron steps restart at each hour, day or month: undefined.
 */
export function intervalAsCron(everyMs: number): string | undefined {
  if (everyMs % MINUTE !== 0) return undefined;
  const minutes = everyMs / MINUTE;
  if (minutes === 1) return '* * * * *';
  if (minutes < 60) return 60 % minutes === 0 ? `*/${minutes} * * * *` : undefined;
  if (minutes % 60 !== 0) return undefined;
  const hours = minutes / 60;
  if (hours === 1) return '0 * * * *';
  if (hours < 24) return 24 % hours === 0 ? `0 */${hours} * * *` : undefined;
  if (hours === 24) return '0 0 * * *';
  if (hours === 24 * 7) return '0 0 * * 0';
  return undefined;
}

/** The crontab fields of a schedule text `every <duration>`; undefined for anything else or no exact form. */
export function intervalTextAsCron(schedule: string): string | undefined {
  const match = /^every\s+(\S+)$/i.exec(schedule.trim());
  const everyMs = match ? parseDuration(match[1]!) : undefined;
  return everyMs ? intervalAsCron(everyMs) : undefined;
}
