import { describe, expect, it } from 'vitest';
import { OUTPUT_MAX_LINES, formatInZone, lastLines, renderAlert } from '../../shared/alerts/render';
import { MINUTE, T0, alertMessage } from './support/fixtures';
import { alertEventOf } from '../../shared/app/alert-bus';

describe('alert rendering', () => {
  it('says what was expected and when, in the job’s time zone, and when the last ping came', () => {
    const alert = renderAlert(alertMessage());
    expect(alert.subject).toBe('MISSING | Database Backup');
    expect(alert.headline).toBe('Database Backup is missing.');
    const facts = Object.fromEntries(alert.facts.map((fact) => [fact.label, fact.value]));
    // 01:00 UTC on 31 March 2024 is the first minute of summer time in Berlin.
    expect(facts.Expected).toBe(
      'a ping at 2024-03-31 03:00:00 CEST, at the latest 2024-03-31 03:15:00 CEST (grace 15 min)',
    );
    expect(facts['Last ping']).toBe('2024-03-30 02:10:00 CET (1 d 20 min before this alert)');
    expect(facts.Schedule).toBe('At 03:00 (Europe/Berlin)');
    expect(facts.Tags).toBe('db, prod');
    expect(alert.text).toContain('Open in CronSentry: https://cronsentry.example.com/#/jobs/job-1');
  });

  it('names the event in the subject: failed, recovered, still down, test', () => {
    const base = alertMessage();
    const failed = alertMessage({ notice: { ...base.notice, to: 'failed', reason: 'the job exited with code 2' } });
    expect(renderAlert(failed).subject).toBe('FAILED | Database Backup');
    const up = alertMessage({ event: 'up', notice: { ...base.notice, from: 'failed', to: 'healthy' } });
    const recovered = renderAlert(up, { downSince: T0 - 90 * MINUTE });
    expect(recovered.subject).toBe('RECOVERED | Database Backup');
    expect(recovered.facts).toContainEqual({ label: 'Down for', value: '1 h 30 min' });
    const reminder = alertMessage(
      { event: 'reminder', notice: { ...base.notice, kind: 'reminder', from: 'missing', at: T0 + 120 * MINUTE } },
      { statusSince: T0, reminderEveryMs: 60 * MINUTE },
    );
    const still = renderAlert(reminder);
    expect(still.subject).toBe('STILL MISSING | Database Backup');
    expect(still.facts).toContainEqual({ label: 'Down for', value: '2 h' });
    expect(still.facts).toContainEqual({ label: 'Reminders', value: 'every 1 h while down' });
    expect(renderAlert(base, { test: true }).subject).toBe('TEST | MISSING | Database Backup');
  });

  it('renders an overrunning run and a late notice (issue 12); a failing job alerts nobody', () => {
    const base = alertMessage();
    const over = renderAlert(
      alertMessage({
        notice: {
          ...base.notice,
          to: 'overrunning',
          reason: 'a run started at … is still going after its maximum runtime of 1 h',
        },
      }),
    );
    expect(over.subject).toBe('OVERRUNNING | Database Backup');
    expect(over.headline).toBe('Database Backup is overrunning: a run is still going past its maximum runtime.');
    expect(over.text).toContain('still going after its maximum runtime of 1 h');

    const late = renderAlert(
      alertMessage(
        { event: 'late', notice: { ...base.notice, kind: 'late', from: 'healthy', to: 'healthy' } },
        { status: 'healthy', expectedAt: T0 - 5 * MINUTE },
      ),
    );
    expect(late.subject).toBe('LATE | Database Backup');
    expect(late.headline).toBe('Database Backup is late: its ping has not arrived yet.');
    expect(late.facts).toContainEqual({ label: 'Status', value: 'late since 2024-03-31 03:25:00 CEST' });
    expect(late.facts).toContainEqual({
      label: 'Missing from',
      value: '2024-03-31 03:40:00 CEST if no ping arrives (grace 15 min)',
    });
    expect(late.color).toBe(0xe0a030);

    const failing = { ...base.notice, from: 'healthy', to: 'failing' } as const;
    expect(alertEventOf(failing)).toBeUndefined();
    expect(alertEventOf({ ...failing, from: 'failing', to: 'failed' })).toBe('down');
    expect(alertEventOf({ ...failing, from: 'failing', to: 'healthy' })).toBeUndefined();
  });

  it('adds the zone to an interval schedule, whose words do not name it', () => {
    const alert = renderAlert(alertMessage({}, { scheduleDescription: 'Every 5 min', timezone: 'America/New_York' }));
    expect(alert.facts).toContainEqual({ label: 'Schedule', value: 'Every 5 min (times in America/New_York)' });
    expect(formatInZone(T0, 'America/New_York')).toBe('2024-03-30 21:30:00 UTC-4');
    expect(formatInZone(T0, 'UTC')).toBe('2024-03-31 01:30:00 UTC');
  });

  it('keeps the end of the output, where the error is', () => {
    const output = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\r\n') + '\n\n';
    const tail = lastLines(output)!;
    expect(tail.split('\n')).toHaveLength(OUTPUT_MAX_LINES);
    expect(tail.endsWith('line 50')).toBe(true);
    expect(lastLines('x'.repeat(5000))!.length).toBeLessThanOrEqual(1500);
    expect(lastLines('  \n ')).toBeUndefined();
    expect(lastLines(undefined)).toBeUndefined();
  });

  it('escapes what users wrote in the HTML part', () => {
    const alert = renderAlert(alertMessage({}, { name: '<script>alert(1)</script>' }), { lastOutput: '<b>&</b>' });
    expect(alert.html).not.toContain('<script>');
    expect(alert.html).toContain('&lt;script&gt;');
    expect(alert.html).toContain('&lt;b&gt;&amp;&lt;/b&gt;');
  });
});
