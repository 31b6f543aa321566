import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../shared/domain/durations';
import {
  covers,
  isInside,
  nextBoundary,
  nextOccurrence,
  occurrenceAt,
  quietUntil,
  windowAgenda,
  type MaintenanceWindow,
  type WindowTiming,
} from '../../shared/domain/maintenance';
import { upcoming } from '../../shared/domain/schedule';

const at = (text: string) => Date.parse(text);
const iso = (ms: number) => new Date(ms).toISOString();

function recurring(expression: string, timezone: string, durationMs: number): WindowTiming {
  return { kind: 'recurring', schedule: { kind: 'cron', expression, timezone }, durationMs };
}

function windowOf(timing: WindowTiming, extra: Partial<MaintenanceWindow> = {}): MaintenanceWindow {
  return {
    id: 'w1',
    projectId: 'p1',
    name: 'deploys',
    scope: { kind: 'project' },
    timing,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}

/** The oracle: every occurrence start from a walk that begins a day before `t - duration`. */
function insideByWalk(timing: Extract<WindowTiming, { kind: 'recurring' }>, t: number): boolean {
  const starts: number[] = [];
  for (let cursor = t - timing.durationMs - DAY; cursor <= t;) {
    cursor = upcoming(timing.schedule, cursor, 1)[0]!;
    starts.push(cursor);
  }
  return starts.some((start) => start <= t && t < start + timing.durationMs);
}

describe('one-off windows: exactly at the boundaries', () => {
  const start = at('2026-03-01T10:00:00Z');
  const end = at('2026-03-01T12:00:00Z');
  const timing: WindowTiming = { kind: 'once', start, end };

  it.each<[string, number, boolean]>([
    ['1 ms before the start', start - 1, false],
    ['exactly at the start (inclusive)', start, true],
    ['1 ms before the end', end - 1, true],
    ['exactly at the end (exclusive)', end, false],
    ['after the end', end + 1, false],
  ])('%s', (_name, t, inside) => {
    expect(isInside(timing, t)).toBe(inside);
  });

  it('has its start, then its end, then nothing as the next boundary', () => {
    expect(nextBoundary(timing, start - 1)).toBe(start);
    expect(nextBoundary(timing, start)).toBe(end);
    expect(nextBoundary(timing, end - 1)).toBe(end);
    expect(nextBoundary(timing, end)).toBeUndefined();
  });
});

describe('recurring windows (cron + duration)', () => {
  const nightly = recurring('0 2 * * *', 'UTC', HOUR);

  it.each<[string, string, boolean]>([
    ['1 ms before 02:00', '2026-01-10T01:59:59.999Z', false],
    ['exactly 02:00 (inclusive)', '2026-01-10T02:00:00.000Z', true],
    ['1 ms before 03:00', '2026-01-10T02:59:59.999Z', true],
    ['exactly 03:00 (exclusive)', '2026-01-10T03:00:00.000Z', false],
  ])('%s', (_name, text, inside) => {
    expect(isInside(nightly, at(text))).toBe(inside);
  });

  it('the next boundary is the end inside, the next start outside', () => {
    expect(iso(nextBoundary(nightly, at('2026-01-10T02:30:00Z'))!)).toBe('2026-01-10T03:00:00.000Z');
    expect(iso(nextBoundary(nightly, at('2026-01-10T03:00:00Z'))!)).toBe('2026-01-11T02:00:00.000Z');
    expect(iso(nextOccurrence(nightly, at('2026-01-10T02:00:00Z'))!.start)).toBe('2026-01-11T02:00:00.000Z');
  });

  it('joins occurrences that touch into one span (hourly, 1 h long: inside from the first start on)', () => {
    const touching = recurring('0 9-11 * * *', 'UTC', HOUR);
    expect(occurrenceAt(touching, at('2026-01-10T09:30:00Z'))).toEqual({
      start: at('2026-01-10T09:00:00Z'),
      end: at('2026-01-10T12:00:00Z'),
    });
    expect(isInside(touching, at('2026-01-10T12:00:00Z'))).toBe(false);
  });

  describe('DST: the duration is elapsed time, starts follow the cron rules of job schedules', () => {
    it('Europe/Berlin, clocks forward: a 2 h window from 01:00 CET ends at 04:00 CEST', () => {
      const window = recurring('0 1 * * *', 'Europe/Berlin', 2 * HOUR);
      const span = occurrenceAt(window, at('2026-03-29T00:30:00Z'))!;
      expect(iso(span.start)).toBe('2026-03-29T00:00:00.000Z'); // 01:00 CET
      expect(iso(span.end)).toBe('2026-03-29T02:00:00.000Z'); // 04:00 CEST
    });

    it('Europe/Berlin, a start in the skipped hour (02:30) happens once, after the jump', () => {
      const window = recurring('30 2 * * *', 'Europe/Berlin', 30 * MINUTE);
      const span = nextOccurrence(window, at('2026-03-28T23:00:00Z'))!;
      expect(iso(span.start)).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
      expect(isInside(window, at('2026-03-29T01:45:00Z'))).toBe(true);
    });

    it('America/New_York, clocks back: a start in the repeated hour (01:30) happens once, the first time', () => {
      const window = recurring('30 1 * * *', 'America/New_York', 20 * MINUTE);
      const first = at('2026-11-01T05:30:00Z'); // 01:30 EDT
      const second = at('2026-11-01T06:30:00Z'); // 01:30 EST
      expect(occurrenceAt(window, first + MINUTE)).toEqual({ start: first, end: first + 20 * MINUTE });
      expect(isInside(window, second + MINUTE)).toBe(false);
      expect(iso(nextBoundary(window, first + 20 * MINUTE)!)).toBe('2026-11-02T06:30:00.000Z');
    });

    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC'];
    const expressions = ['0 2 * * *', '30 1 * * *', '*/20 * * * *', '15 3 * * 0', '0 0,12 * * *'];
    // Instants within three days of the clock changes of 2026 in both hemispheres.
    const changes = [
      '2026-03-08T07:00:00Z',
      '2026-03-29T01:00:00Z',
      '2026-04-05T16:00:00Z',
      '2026-10-25T01:00:00Z',
      '2026-11-01T06:00:00Z',
    ].map(at);
    const instants = fc
      .tuple(
        fc.constantFrom(...changes),
        fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }),
        fc.integer({ min: 0, max: 59_999 }),
      )
      .map(([change, minutes, ms]) => change + minutes * MINUTE + ms);
    const windows = fc
      .tuple(fc.constantFrom(...expressions), fc.constantFrom(...zones), fc.integer({ min: 1, max: 150 }))
      .map(([expression, zone, minutes]) => recurring(expression, zone, minutes * MINUTE))
      .filter(
        (timing) =>
          timing.kind === 'recurring' &&
          (timing.schedule.expression !== '*/20 * * * *' || timing.durationMs < 20 * MINUTE),
      );

    it('inside agrees with a plain walk over the starts, across the clock changes', () => {
      fc.assert(
        fc.property(windows, instants, (timing, t) => {
          if (timing.kind !== 'recurring') return;
          expect(isInside(timing, t)).toBe(insideByWalk(timing, t));
        }),
        { numRuns: 150 },
      );
    });

    it('nothing changes before the next boundary, and it changes exactly there', () => {
      fc.assert(
        fc.property(windows, instants, (timing, t) => {
          const boundary = nextBoundary(timing, t)!;
          expect(boundary).toBeGreaterThan(t);
          const inside = isInside(timing, t);
          expect(isInside(timing, boundary - 1)).toBe(inside);
          expect(isInside(timing, t + Math.floor((boundary - t) / 2))).toBe(inside);
          expect(isInside(timing, boundary)).toBe(!inside);
        }),
        { numRuns: 150 },
      );
    });
  });
});

describe('scopes and quietUntil', () => {
  const target = { jobId: 'job-a', tags: ['db', 'nightly'] };

  it('a window covers the project, the jobs of its tag, or its one job', () => {
    expect(covers({ kind: 'project' }, target)).toBe(true);
    expect(covers({ kind: 'tag', tag: 'db' }, target)).toBe(true);
    expect(covers({ kind: 'tag', tag: 'web' }, target)).toBe(false);
    expect(covers({ kind: 'job', jobId: 'job-a' }, target)).toBe(true);
    expect(covers({ kind: 'job', jobId: 'job-b' }, target)).toBe(false);
  });

  it('back-to-back windows that both cover the job are one quiet span', () => {
    const t = at('2026-05-01T10:00:00Z');
    const first = windowOf({ kind: 'once', start: t - HOUR, end: t + HOUR }, { id: 'a', name: 'first' });
    const second = windowOf(
      { kind: 'once', start: t + HOUR, end: t + 3 * HOUR },
      { id: 'b', scope: { kind: 'tag', tag: 'db' } },
    );
    const elsewhere = windowOf(
      { kind: 'once', start: t + 3 * HOUR, end: t + 9 * HOUR },
      { id: 'c', scope: { kind: 'job', jobId: 'job-b' } },
    );
    expect(quietUntil([second, elsewhere, first], target, t)).toEqual({ until: t + 3 * HOUR, window: first });
    expect(quietUntil([first, second], target, t + 3 * HOUR)).toBeUndefined();
    expect(quietUntil([elsewhere], target, t + 4 * HOUR)).toBeUndefined();
  });

  it('the agenda lists active windows and those starting before the horizon, soonest first', () => {
    const t = at('2026-05-01T10:00:00Z');
    const active = windowOf({ kind: 'once', start: t - HOUR, end: t + HOUR }, { id: 'active' });
    const soon = windowOf(recurring('0 12 * * *', 'UTC', HOUR), { id: 'soon' });
    const later = windowOf({ kind: 'once', start: t + 30 * DAY, end: t + 31 * DAY }, { id: 'later' });
    const over = windowOf({ kind: 'once', start: t - 3 * HOUR, end: t - 2 * HOUR }, { id: 'over' });
    const agenda = windowAgenda([later, soon, over, active], t, t + 7 * DAY);
    expect(agenda.map((entry) => [entry.window.id, entry.active, iso(entry.span.start)])).toEqual([
      ['active', true, iso(t - HOUR)],
      ['soon', false, '2026-05-01T12:00:00.000Z'],
    ]);
  });
});
