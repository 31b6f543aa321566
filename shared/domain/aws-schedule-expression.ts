/**
 * EventBridge rule and Scheduler schedule expressions, read as CronSentry schedules:
 * `cron(min hour day-of-month month day-of-week year)` becomes a five-field cron, `rate(n unit)`
 * an interval; anything else is returned unchanged for the ordinary schedule parser.
 * Pure: no clock, no I/O.
 */
export class ScheduleExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleExpressionError';
  }
}

const RATE = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/i;
const CRON = /^cron\((.*)\)$/i;
const UNITS: Record<string, string> = { minute: 'm', hour: 'h', day: 'd' };

export function isAwsScheduleExpression(text: string): boolean {
  return /^(cron|rate|at)\(/i.test(text.trim());
}

/** `cron(0 2 * * ? *)` → `0 2 * * *`, `rate(1 hour)` → `every 1h`; other text unchanged. */
export function fromAwsScheduleExpression(text: string): string {
  const expression = text.trim();
  if (/^at\(/i.test(expression)) {
    throw new ScheduleExpressionError(
      'at(…) is a one-time schedule; a monitor needs a recurring one: cron(…), rate(…) or a cron expression',
    );
  }
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) throw new ScheduleExpressionError('rate(…) needs a positive whole number, e.g. rate(5 minutes)');
    return `every ${value}${UNITS[rate[2]!.toLowerCase().replace(/s$/, '')]}`;
  }
  if (/^rate\(/i.test(expression)) {
    throw new ScheduleExpressionError('rate(…) must look like rate(5 minutes), rate(1 hour) or rate(2 days)');
  }
  const cron = CRON.exec(expression);
  if (!cron) return text;
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleExpressionError(
      `cron(…) has six fields (minutes hours day-of-month month day-of-week year), not ${fields.length}`,
    );
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (year !== '*') {
    throw new ScheduleExpressionError(
      'cron(…) with a year other than * ends some day; a monitor needs a schedule that recurs',
    );
  }
  if (/W/i.test(dayOfMonth)) throw new ScheduleExpressionError('W (nearest weekday) in cron(…) is not supported');
  return [minutes, hours, unquestion(dayOfMonth), month, weekdaysFromAws(unquestion(dayOfWeek))].join(' ');
}

/** AWS needs `?` in day-of-month or day-of-week ("any"); a five-field cron says `*`. */
function unquestion(field: string): string {
  return field === '?' ? '*' : field;
}

/** AWS numbers weekdays 1–7 from Sunday; cron 0–6 from Sunday. Names (MON-FRI) mean the same in both. */
function weekdaysFromAws(field: string): string {
  return field
    .split(',')
    .map((item) => {
      const [range = '', step] = item.split('/');
      const shifted = range.replace(/^(\d+)(?=$|#|L)|(?<=-)(\d+)$|^(\d+)(?=-)/gi, (digits) => {
        const day = Number(digits);
        if (day < 1 || day > 7) throw new ScheduleExpressionError(`day-of-week ${day} in cron(…) must be 1–7 (SUN=1)`);
        return String(day - 1);
      });
      return step === undefined ? shifted : `${shifted}/${step}`;
    })
    .join(',');
}
