import { stripVTControlCharacters } from 'node:util';
import { describeDuration } from '../domain/durations';
import { clipText, oneLine, tailText } from '../domain/plain-text';
import type { AlertEvent, AlertMessage } from '../app/alert-bus';
import { alertSubject } from '../app/alert-subject';
import { isDown } from '../domain/job';

/** At most this much of the last ping's output goes into an alert: the end, where errors are. */
export const OUTPUT_MAX_LINES = 10;
export const OUTPUT_MAX_CHARS = 1500;

/** What the history knows beyond the message: the end of the last output, when the job went down. */
export interface AlertContext {
  /** The body of the job's last ping that sent one, and when that ping came. */
  readonly lastOutput?: string;
  readonly lastOutputAt?: number;
  /** When the job went down, for the downtime of a recovery. */
  readonly downSince?: number;
  /** A test message (`POST /api/channels/{id}/test`): said so in the subject and the payload. */
  readonly test?: boolean;
}

export interface Fact {
  readonly label: string;
  readonly value: string;
}

/** One alert in the words every channel shows: chat, e-mail and JSON receivers alike. */
export interface RenderedAlert {
  readonly message: AlertMessage;
  readonly event: AlertEvent;
  readonly test: boolean;
  /** `MISSING | Database Backup`, `RECOVERED | …`, `STILL FAILED | …`, `OVERRUNNING | …`, `LATE | …`, `TEST | …`. */
  readonly subject: string;
  /** One sentence: `Database Backup is missing.` */
  readonly headline: string;
  readonly facts: readonly Fact[];
  /** The last lines of the last ping's output (trimmed), if any. */
  readonly output?: string;
  /** `Last output (ping at 2024-05-01 02:15:00 CEST)`: says which run the output is from. */
  readonly outputLabel: string;
  readonly dashboardUrl?: string;
  /** Plain-text body (e-mail text part, SNS channel message). */
  readonly text: string;
  /** HTML body (e-mail). */
  readonly html: string;
  /** `down` red, `up` green, a reminder amber. */
  readonly color: number;
}

const COLORS: Record<AlertEvent, number> = {
  down: 0xd93f3f,
  up: 0x2e9d5b,
  reminder: 0xe0a030,
  flapping: 0xe0a030,
  settled: 0x5b7bd9,
  late: 0xe0a030,
};

/**
 * Turns an alert message into what people read: what happened, what was expected and when, when
 * the last ping came, the schedule in words with its zone, the downtime on recovery, the end of the
 * last output and a link. Times are shown in the job's own time zone.
 */
export function renderAlert(message: AlertMessage, context: AlertContext = {}): RenderedAlert {
  const { job, notice, event } = message;
  const zone = job.timezone;
  const at = (ms: number | undefined) => (ms === undefined ? 'never' : formatInZone(ms, zone));
  const ago = (ms: number | undefined) =>
    ms === undefined ? 'never' : `${at(ms)} (${describeDuration(notice.at - ms)} before this alert)`;
  const test = context.test ?? false;

  const facts: Fact[] = [];
  if (event === 'flapping' || event === 'settled') {
    facts.push({ label: 'Status', value: `${notice.to} since ${at(job.statusSince)}` });
  } else if (event === 'up') {
    facts.push({ label: 'Status', value: `recovered at ${at(notice.at)}, was ${notice.from}` });
    if (context.downSince !== undefined && context.downSince <= notice.at) {
      facts.push({ label: 'Down for', value: describeDuration(notice.at - context.downSince) });
    }
    facts.push({ label: 'Next ping expected', value: at(job.expectedAt) });
  } else if (event === 'late') {
    // The job is still up: say when the ping was due and when it will count as missing.
    facts.push({ label: 'Status', value: `late since ${at(job.expectedAt)}` });
    if (job.expectedAt !== undefined) {
      facts.push({
        label: 'Missing from',
        value: `${at(job.expectedAt + job.graceMs)} if no ping arrives (grace ${describeDuration(job.graceMs)})`,
      });
    }
  } else {
    const since = event === 'reminder' ? job.statusSince : notice.at;
    facts.push({ label: 'Status', value: `${notice.to} since ${at(since)}` });
    if (event === 'reminder') facts.push({ label: 'Down for', value: describeDuration(notice.at - since) });
    if (notice.to === 'missing' && job.expectedAt !== undefined) {
      facts.push({
        label: 'Expected',
        value: `a ping at ${at(job.expectedAt)}, at the latest ${at(job.expectedAt + job.graceMs)} (grace ${describeDuration(job.graceMs)})`,
      });
    }
  }
  facts.push({ label: 'Reason', value: notice.reason });
  facts.push({ label: 'Last ping', value: ago(job.lastPingAt) });
  if (job.lastSuccessAt !== undefined && job.lastSuccessAt !== job.lastPingAt) {
    facts.push({ label: 'Last success', value: ago(job.lastSuccessAt) });
  }
  facts.push({ label: 'Schedule', value: scheduleInWords(job.scheduleDescription, zone) });
  if (job.tags.length) facts.push({ label: 'Tags', value: job.tags.join(', ') });
  if (event !== 'up' && job.reminderEveryMs) {
    facts.push({ label: 'Reminders', value: `every ${describeDuration(job.reminderEveryMs)} while down` });
  }

  const output = lastLines(context.lastOutput);
  const outputLabel =
    context.lastOutputAt === undefined ? 'Last output' : `Last output (ping at ${at(context.lastOutputAt)})`;
  const subject = `${test ? 'TEST | ' : ''}${alertSubject(message)}`;
  const headline = headlineOf(message);
  const rendered = {
    message,
    event,
    test,
    subject,
    headline,
    facts,
    output,
    outputLabel,
    dashboardUrl: message.dashboardUrl,
  };
  return { ...rendered, text: toText(rendered), html: toHtml(rendered), color: COLORS[event] };
}

function headlineOf({ event, job, notice }: AlertMessage): string {
  const name = clipText(oneLine(job.name), 100);
  if (event === 'up') return `${name} has recovered.`;
  if (event === 'reminder') return `${name} is still ${notice.to}.`;
  if (event === 'flapping') return `${name} is flapping: it is ${notice.to} now, and further changes are held back.`;
  if (event === 'settled') return `${name} stopped flapping: it is ${notice.to}.`;
  if (event === 'late') return `${name} is late: its ping has not arrived yet.`;
  if (notice.to === 'overrunning') return `${name} is overrunning: a run is still going past its maximum runtime.`;
  return `${name} is ${notice.to}.`;
}

/** cronstrue's words already name the zone of a cron schedule; an interval gets it added. */
function scheduleInWords(description: string, zone: string): string {
  return description.includes(`(${zone})`) ? description : `${description} (times in ${zone})`;
}

/** `2024-05-01 02:15:00 CEST`: unambiguous, and in the zone the schedule is written in. */
export function formatInZone(ms: number, timeZone: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    }).formatToParts(ms);
  } catch {
    return new Date(ms).toISOString();
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  // en-GB names the zones people know (CEST, BST) and falls back to `GMT-4`; say UTC for those.
  const zone = part('timeZoneName').replace(/^GMT(?=[+-])/, 'UTC');
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${zone}`;
}

/**
 * The end of a job's output: the last lines, and no more than a screenful of characters (cut
 * between code points). Terminal escape sequences and other control characters are dropped
 * (tabs and line breaks stay), so the output is plain text in every channel.
 */
export function lastLines(output: string | undefined): string | undefined {
  if (!output) return undefined;
  const plain = stripVTControlCharacters(output.replace(/\r\n?/g, '\n')).replace(
    /(?![\t\n])[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/gu,
    '',
  );
  const lines = plain.replace(/\s+$/, '').split('\n');
  const tail = tailText(lines.slice(-OUTPUT_MAX_LINES).join('\n'), OUTPUT_MAX_CHARS);
  return tail.trim() === '' ? undefined : tail;
}

type Parts = Pick<RenderedAlert, 'subject' | 'headline' | 'facts' | 'output' | 'outputLabel' | 'dashboardUrl' | 'test'>;

function toText(alert: Parts): string {
  const width = Math.max(...alert.facts.map((fact) => fact.label.length));
  const lines = [alert.headline, ''];
  if (alert.test) lines.push('This is a test message from CronSentry: nothing is wrong.', '');
  for (const fact of alert.facts) lines.push(`${`${fact.label}:`.padEnd(width + 2)}${fact.value}`);
  if (alert.output) lines.push('', `${alert.outputLabel}:`, ...alert.output.split('\n').map((line) => `  ${line}`));
  if (alert.dashboardUrl) lines.push('', `Open in CronSentry: ${alert.dashboardUrl}`);
  return `${lines.join('\n')}\n`;
}

function toHtml(alert: Parts): string {
  const rows = alert.facts
    .map(
      (fact) =>
        `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0;color:#555">${escapeHtml(fact.label)}</th>` +
        `<td style="padding:2px 0">${escapeHtml(fact.value)}</td></tr>`,
    )
    .join('');
  return [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px;color:#222">',
    `<h2 style="margin:0 0 12px">${escapeHtml(alert.headline)}</h2>`,
    alert.test ? '<p><em>This is a test message from CronSentry: nothing is wrong.</em></p>' : '',
    `<table cellpadding="0" cellspacing="0">${rows}</table>`,
    alert.output
      ? `<p style="margin:16px 0 4px;color:#555">${escapeHtml(alert.outputLabel)}:</p><pre style="background:#f4f4f4;padding:8px;white-space:pre-wrap">${escapeHtml(alert.output)}</pre>`
      : '',
    alert.dashboardUrl ? `<p><a href="${escapeHtml(alert.dashboardUrl)}">Open in CronSentry</a></p>` : '',
    '</body></html>',
  ].join('');
}

/**
 * Chat channels show output in a code block, where markdown is inert, except a run of three
 * backticks, which would close the fence early and let the rest render (links included). A
 * zero-width space after each backtick that another follows keeps every run shorter than three.
 */
export function neutraliseFences(text: string): string {
  return text.replace(/`(?=`)/g, '`\u200b');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Whether an incident tool should leave this alert out: a `late` notice is an early warning in
 * chat and mail; paging for it would open an incident that no recovery closes (the job is still
 * healthy when its ping then arrives). The missing alert at expected + grace pages as usual.
 */
export function opensNoIncident(alert: RenderedAlert): boolean {
  return alert.event === 'late' && !alert.test;
}

/** The delivery record of an alert an incident tool leaves out (see `opensNoIncident`). */
export const NOT_PAGED = 'not sent: a late notice opens no incident';

/**
 * Whether an incident tool should close the job's incident: a recovery, or a flapping job that
 * settled up. A settled summary of a job that is still down keeps the incident open.
 */
export function closesIncident(alert: RenderedAlert): boolean {
  return alert.event === 'up' || (alert.event === 'settled' && !isDown(alert.message.notice.to));
}
