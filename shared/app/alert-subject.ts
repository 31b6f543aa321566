import type { AlertMessage } from './alert-bus';
import { clipText, oneLine, printableAscii } from '../domain/plain-text';

/** SNS refuses a `Subject` of 100 characters or more, or with anything but printable ASCII. */
export const SNS_SUBJECT_MAX = 99;

/** Chat titles and mail subjects stay readable: the name is cut (by code points) past this. */
const NAME_IN_SUBJECT_MAX = 100;

/**
 * `MISSING | Database Backup`, `RECOVERED | …`, `FAILED | …`, `OVERRUNNING | …`, `STILL MISSING | …`,
 * `FLAPPING | …`, `SETTLED | …`, `LATE | …` (a job's early warning, see `late_alert`). One line
 * whatever the stored name holds, so it is safe in any header.
 */
export function alertSubject(message: AlertMessage): string {
  return `${subjectWord(message)} | ${clipText(oneLine(message.job.name), NAME_IN_SUBJECT_MAX)}`;
}

function subjectWord({ event, notice }: AlertMessage): string {
  switch (event) {
    case 'up':
      return 'RECOVERED';
    case 'reminder':
      return `STILL ${notice.to.toUpperCase()}`;
    case 'flapping':
      return 'FLAPPING';
    case 'late':
      return 'LATE';
    case 'settled':
      return `SETTLED ${notice.to.toUpperCase()}`;
    default:
      return notice.to.toUpperCase();
  }
}

/** Any subject as SNS accepts it: printable ASCII, under 100 characters, never empty. */
export function snsSafeSubject(subject: string): string {
  return printableAscii(subject, SNS_SUBJECT_MAX) || 'CronSentry alert';
}
