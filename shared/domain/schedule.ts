import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';
import { HOUR, MINUTE, describeDuration, formatDuration, parseDuration } from './durations';

/**
 * A job's schedule: a cron expression evaluated in an IANA time zone, or a fixed interval.
 * Pure: every function takes the instant it reasons about; nothing reads the clock.
 */
export type Schedule =
  | { readonly kind: 'cron'; readonly expression: string; readonly timezone: string }
  | { readonly kind: 'interval'; readonly everyMs: number; readonly timezone: string };

export class ScheduleError extends Error {
  constructor(
    readonly field: 'schedule' | 'timezone',
    message: string,
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

const CRON_MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const INTERVAL_PATTERN = /^every\s+(\S+)$/i;

export function isValidTimezone(timezone: string): boolean {
  if (timezone.length === 0 || timezone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses the user's `schedule` text. Cron must have exactly five fields (cron-parser would also
 * accept a seconds field, which no crontab has); macros are expanded so the stored form is plain.
 */
export function parseSchedule(text: string, timezone = 'UTC'): Schedule {
  if (!isValidTimezone(timezone)) {
    throw new ScheduleError('timezone', `unknown time zone "${timezone}" (use an IANA name such as Europe/Berlin)`);
  }
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const interval = INTERVAL_PATTERN.exec(trimmed);
  if (interval) {
    const everyMs = parseDuration(interval[1] ?? '');
    if (everyMs === undefined || everyMs <= 0) {
      throw new ScheduleError('schedule', 'interval must look like "every 30s", "every 5m", "every 2h" or "every 1d"');
    }
    return { kind: 'interval', everyMs, timezone };
  }
  const expression = CRON_MACROS[trimmed.toLowerCase()] ?? trimmed;
  if (expression.startsWith('@')) {
    throw new ScheduleError(
      'schedule',
      `unknown macro "${trimmed}" (use @hourly, @daily, @weekly, @monthly or @yearly)`,
    );
  }
  const fields = expression.split(' ');
  if (fields.length !== 5) {
    throw new ScheduleError(
      'schedule',
      'cron expression must have 5 fields: minute hour day-of-month month day-of-week',
    );
  }
  // cron-parser reads Jenkins' `H` as a random value unless given a seed: every parse would then
  // expect the job at another minute. (The h of THU is part of a name, not a hash.)
  if (fields.some((field) => /(^|[^a-z])h/i.test(field))) {
    throw new ScheduleError('schedule', 'hashed values ("H") are not supported: write the minute and hour you mean');
  }
  let parsed: ReturnType<typeof CronExpressionParser.parse>;
  try {
    // Parsing alone validates, and refuses days no month has (`30 2`); nothing is walked here.
    parsed = CronExpressionParser.parse(expression, { tz: timezone });
  } catch (error) {
    throw new ScheduleError('schedule', `invalid cron expression: ${(error as Error).message}`);
  }
  if (onlyOnLeapDays(parsed.fields)) {
    throw new ScheduleError(
      'schedule',
      'runs only on 29 February, once in four years: too rare to monitor (add another day, e.g. "28,29 2" or "L 2")',
    );
  }
  return { kind: 'cron', expression, timezone };
}

/** Days of each month in a common year: a day past these exists only on 29 February. */
const COMMON_YEAR_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True when the fields match no day of a common year: every day of month they name exists only
 * in leap years (`29 2`). Answered from the fields, without walking: cron-parser would step through
 * four years of days per run, and the checks below sample many runs. A restricted day of week
 * (OR-ed with the day of month, as in Vixie cron) or `L` always has a day every year.
 */
function onlyOnLeapDays(fields: ReturnType<typeof CronExpressionParser.parse>['fields']): boolean {
  if (!fields.dayOfWeek.isWildcard || fields.dayOfMonth.isWildcard || fields.dayOfMonth.hasLastChar) return false;
  const days = fields.dayOfMonth.values.map(Number);
  return !fields.month.values.some((month) => days.some((day) => day <= COMMON_YEAR_DAYS[Number(month) - 1]!));
}

/**
 * A bound on the work of judging a schedule someone just sent (validation, previews): each step is
 * one `next()` of cron-parser, itself bounded by cron-parser's own loop limit. Pings and the
 * checker pass none: a stored schedule was judged when it was saved, and a ping must be recorded.
 */
export class StepBudget {
  constructor(private remaining: number) {}

  get left(): number {
    return this.remaining;
  }

  spend(): void {
    this.remaining -= 1;
    if (this.remaining < 0) {
      throw new ScheduleError(
        'schedule',
        'takes too long to evaluate (its runs are too rare or too irregular around clock changes): write a simpler schedule',
      );
    }
  }
}

/** More than any daylight-saving shift (Antarctica/Troll moves its clocks by 2 h). */
const CLOCK_CHANGE_WINDOW_MS = 3 * HOUR;

/** The first moment strictly after `afterMs` at which the schedule expects a ping. */
export function nextExpectedAt(schedule: Schedule, afterMs: number, budget?: StepBudget): number {
  if (schedule.kind === 'interval') return afterMs + schedule.everyMs;
  // cron-parser resolves DST gaps (a skipped 02:30 runs once, at 03:30 after the jump) and overlaps
  // (a repeated 02:30 runs once, the first time) the way cron daemons do, but only when it walks
  // through the change. Started inside the repeated hour it sees only the wall clock and expects a
  // second 02:30: a long job that began at 02:30 and reported at 02:10 (second pass) would be
  // reported missing. So for a few hours after clocks go back, walk from before the change: the
  // expected times must not depend on when the last ping happened to arrive.
  const windowStart = afterMs - CLOCK_CHANGE_WINDOW_MS;
  if (utcOffsetMs(schedule.timezone, windowStart) > utcOffsetMs(schedule.timezone, afterMs)) {
    try {
      const next = firstCronTimeAfter(schedule, windowStart, afterMs, budget);
      if (next !== undefined) return next;
    } catch (error) {
      if (error instanceof ScheduleError) throw error;
      // cron-parser gives up ("loop limit exceeded") near Lord Howe's 30-minute change; judging
      // from `afterMs` alone is what it would do without the walk.
    }
  }
  // At Pacific/Chatham's fall-back cron-parser answers with a time *before* its start and then
  // cycles. Rather than expect a past time (an instant false alarm) or spin, start a little later:
  // at worst one run in that hour is not expected.
  try {
    for (let start = afterMs; start <= afterMs + CLOCK_CHANGE_WINDOW_MS; start += 15 * MINUTE) {
      const next = firstCronTimeAfter(schedule, start, afterMs, budget);
      if (next !== undefined) return next;
    }
  } catch (error) {
    if (error instanceof ScheduleError) throw error;
    // cron-parser gives up ("loop limit exceeded") for about a day before Lord Howe's 30-minute
    // fall-back. A ping must still be recorded: judge the next time at the zone's current UTC
    // offset, which is off by at most the size of the coming change.
    const fixed = firstCronTimeAfter(
      { ...schedule, timezone: fixedOffsetZone(utcOffsetMs(schedule.timezone, afterMs)) },
      afterMs,
      afterMs,
      budget,
    );
    if (fixed !== undefined) return fixed;
  }
  throw new Error(`no next time for "${schedule.expression}" in ${schedule.timezone} after ${afterMs}`);
}

/** The first cron time after `afterMs`, walking from `startMs`; undefined if cron-parser stops advancing. */
function firstCronTimeAfter(
  schedule: Extract<Schedule, { kind: 'cron' }>,
  startMs: number,
  afterMs: number,
  budget?: StepBudget,
): number | undefined {
  const cron = CronExpressionParser.parse(schedule.expression, {
    tz: schedule.timezone,
    currentDate: new Date(startMs),
  });
  // Each step must move forward, so the walk ends within (afterMs - startMs) / 1 min steps.
  for (let previous = startMs; ;) {
    budget?.spend();
    const next = cron.next().getTime();
    if (next > afterMs) return next;
    if (next <= previous) return undefined;
    previous = next;
  }
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant (Europe/Berlin in summer: +2 h). */
/** A fixed-offset zone name cron-parser (Luxon) understands: 37800000 → `UTC+10:30`. */
function fixedOffsetZone(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMs) / MINUTE;
  return `UTC${sign}${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

export function utcOffsetMs(timezone: string, atMs: number): number {
  let format = offsetFormats.get(timezone);
  if (!format) {
    // Bounded: zone names come from users, and case variants spell the same zone many ways.
    if (offsetFormats.size >= 512) offsetFormats.clear();
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' });
    offsetFormats.set(timezone, format);
  }
  const name = format.formatToParts(atMs).find((part) => part.type === 'timeZoneName')?.value ?? '';
  const match = /^GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0; // plain "GMT": no offset
  const ms = Number(match[2]) * HOUR + Number(match[3]) * MINUTE;
  return match[1] === '-' ? -ms : ms;
}

/** The next `count` expected times after `afterMs` (for previews). */
export function upcoming(schedule: Schedule, afterMs: number, count: number, budget?: StepBudget): number[] {
  const times: number[] = [];
  let cursor = afterMs;
  for (let i = 0; i < count; i += 1) {
    cursor = nextExpectedAt(schedule, cursor, budget);
    times.push(cursor);
  }
  return times;
}

/**
 * Up to `count` runs after `fromMs`, none later than `untilMs`, from one cron-parser walk that starts
 * before any clock change that could matter (as `nextExpectedAt` does for one run), so each run
 * costs one step instead of a walk of its own. Where cron-parser stops advancing or gives up
 * (Chatham, Lord Howe), that run is judged by `nextExpectedAt`, and the walk resumes from it.
 */
function sampleCronRuns(
  schedule: Extract<Schedule, { kind: 'cron' }>,
  fromMs: number,
  count: number,
  untilMs: number,
  budget?: StepBudget,
): number[] {
  const walkFrom = (startMs: number) =>
    CronExpressionParser.parse(schedule.expression, { tz: schedule.timezone, currentDate: new Date(startMs) });
  const times: number[] = [];
  let cron = walkFrom(fromMs - CLOCK_CHANGE_WINDOW_MS);
  let last = fromMs;
  // What cron-parser answered last: at Pacific/Chatham's fall-back it cycles through the same few
  // times, all before `fromMs`, so skipping those must stop as soon as it stops advancing.
  let walked = Number.NEGATIVE_INFINITY;
  while (times.length < count) {
    budget?.spend();
    let next: number;
    try {
      next = cron.next().getTime();
    } catch (error) {
      if (error instanceof ScheduleError) throw error;
      next = Number.NaN;
    }
    const advancing = next > walked;
    walked = next;
    if (advancing && next <= fromMs && times.length === 0) continue;
    if (!(next > last)) {
      next = nextExpectedAt(schedule, last, budget);
      cron = walkFrom(next);
      walked = next;
    }
    if (next > untilMs) break;
    times.push(next);
    last = next;
  }
  return times;
}

/**
 * Four years and two days: every gap of a cron schedule occurs within it (the calendar repeats
 * but for 29 February, and a gap reaching across it is seen too). Sampling 64 runs *unbounded*
 * walked 256 years for `59 23 29 2 *`.
 */
const SAMPLE_HORIZON_MS = (4 * 365 + 1 + 2) * 24 * HOUR;

/**
 * The shortest gap between two expected pings (64 runs within four years, or fewer): used to
 * reject schedules tighter than the installation's minimum.
 */
export function shortestPeriodMs(schedule: Schedule, fromMs: number, budget?: StepBudget): number {
  if (schedule.kind === 'interval') return schedule.everyMs;
  const times = sampleCronRuns(schedule, fromMs, 64, fromMs + SAMPLE_HORIZON_MS, budget);
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i += 1) shortest = Math.min(shortest, times[i]! - times[i - 1]!);
  return shortest;
}

/** The schedule as the user wrote it (the canonical text stored and returned by the API). */
export function scheduleText(schedule: Schedule): string {
  return schedule.kind === 'cron' ? schedule.expression : `every ${formatDuration(schedule.everyMs)}`;
}

/** "At 00:00, every day (Europe/Berlin)" or "Every 5 min". */
export function describeSchedule(schedule: Schedule): string {
  if (schedule.kind === 'interval') return `Every ${describeDuration(schedule.everyMs)}`;
  const words = cronstrue.toString(schedule.expression, { use24HourTimeFormat: true, verbose: false });
  return `${words} (${schedule.timezone})`;
}
