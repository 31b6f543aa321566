import { HOUR } from './durations';
import { nextExpectedAt, type Schedule } from './schedule';

/**
 * Maintenance windows: spans of time in which a project, the jobs of a tag, or one job are
 * expected to be down. Statuses are still computed and flips still recorded inside a window; only
 * the alerts are held (see shared/domain/hold.ts). Pure: every function takes the instant it
 * reasons about.
 *
 * A window is one-off (`start`, `end`) or recurring: a cron expression in an IANA time zone gives
 * each occurrence's start, and every occurrence lasts `durationMs` of elapsed time. Starts follow
 * `nextExpectedAt`, the same DST-safe walk as job schedules: a start in a skipped hour happens
 * once, after the jump; a start in a repeated hour happens once, the first time. The duration is
 * real time, not wall-clock time: a 2 h window from 01:00 on the night clocks go forward ends at
 * 04:00 local time.
 */
export type WindowTiming =
  | { readonly kind: 'once'; readonly start: number; readonly end: number }
  | {
      readonly kind: 'recurring';
      readonly schedule: Extract<Schedule, { kind: 'cron' }>;
      readonly durationMs: number;
    };

/** What a window covers: every job of its project, the jobs carrying a tag, or one job. */
export type WindowScope =
  | { readonly kind: 'project' }
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'job'; readonly jobId: string };

export interface MaintenanceWindow {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly scope: WindowScope;
  readonly timing: WindowTiming;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One span of a window: inside from `start` (inclusive) to `end` (exclusive). */
export interface Occurrence {
  readonly start: number;
  readonly end: number;
}

/** The job a window may cover: its id and its tags. */
export interface WindowTarget {
  readonly jobId: string;
  readonly tags: readonly string[];
}

/**
 * Occurrences of one recurring window that overlap or touch are one span; this bounds the walk
 * that joins them (a window at least as long as its repeat is refused when it is saved).
 */
const MAX_JOINED_OCCURRENCES = 64;

/** More than any daylight-saving shift (as in schedule.ts). */
const CLOCK_CHANGE_MS = 3 * HOUR;

export function covers(scope: WindowScope, target: WindowTarget): boolean {
  if (scope.kind === 'project') return true;
  if (scope.kind === 'job') return scope.jobId === target.jobId;
  return target.tags.includes(scope.tag);
}

/** The span of `timing` that contains `at`, if any (start inclusive, end exclusive). */
export function occurrenceAt(timing: WindowTiming, at: number): Occurrence | undefined {
  if (timing.kind === 'once') return timing.start <= at && at < timing.end ? timing : undefined;
  // Only the latest start at or before `at` can contain it: every occurrence lasts the same.
  const { latest } = startsAround(timing, at - timing.durationMs, at);
  if (latest === undefined || latest + timing.durationMs <= at) return undefined;
  return spanFrom(timing, latest);
}

/** The first occurrence that starts after `at` (strictly), if the window has one. */
export function nextOccurrence(timing: WindowTiming, at: number): Occurrence | undefined {
  if (timing.kind === 'once') return timing.start > at ? timing : undefined;
  return spanFrom(timing, startsAround(timing, at, at).after);
}

/**
 * The latest start in (from, at] and the first start after `at`, from one walk that begins a clock
 * change before `from`: cron-parser sees a start in a skipped hour (02:30 on the night clocks go
 * forward runs at 03:30) only when it walks through the change, as `nextExpectedAt` explains.
 */
function startsAround(
  timing: Extract<WindowTiming, { kind: 'recurring' }>,
  from: number,
  at: number,
): { latest?: number; after: number } {
  let latest: number | undefined;
  let cursor = from - CLOCK_CHANGE_MS;
  for (;;) {
    const start = nextExpectedAt(timing.schedule, cursor);
    if (start > at) return { latest, after: start };
    if (start > from) latest = start;
    cursor = start;
  }
}

/** The span that begins at `start`, joined with every occurrence that overlaps or touches it. */
function spanFrom(timing: Extract<WindowTiming, { kind: 'recurring' }>, start: number): Occurrence {
  let end = start + timing.durationMs;
  let cursor = start;
  for (let joined = 0; joined < MAX_JOINED_OCCURRENCES; joined += 1) {
    const following = nextExpectedAt(timing.schedule, cursor);
    if (following > end) break;
    end = following + timing.durationMs;
    cursor = following;
  }
  return { start, end };
}

export function isInside(timing: WindowTiming, at: number): boolean {
  return occurrenceAt(timing, at) !== undefined;
}

/**
 * The next instant after `at` at which being inside the window may change: the end of the
 * current span, or the start of the next one. Undefined when a one-off window is over.
 */
export function nextBoundary(timing: WindowTiming, at: number): number | undefined {
  return occurrenceAt(timing, at)?.end ?? nextOccurrence(timing, at)?.start;
}

/**
 * Until when the target is quiet, if it is inside any of `windows` at `at`: the end of the span
 * made of every covering window that overlaps or touches the current one (so alerts held by one
 * window are not let out for a moment between two back-to-back windows). Undefined when no window
 * covers the target at `at`.
 */
export function quietUntil(
  windows: readonly MaintenanceWindow[],
  target: WindowTarget,
  at: number,
): { until: number; window: MaintenanceWindow } | undefined {
  const covering = windows.filter((window) => covers(window.scope, target));
  let found: { until: number; window: MaintenanceWindow } | undefined;
  let probe = at;
  for (let step = 0; step <= covering.length; step += 1) {
    let extended = false;
    for (const window of covering) {
      const span = occurrenceAt(window.timing, probe);
      if (span && (!found || span.end > found.until)) {
        found = { until: span.end, window: found?.window ?? window };
        extended = true;
      }
    }
    if (!found || !extended) break;
    probe = found.until;
  }
  return found;
}

/** Windows inside or starting before `horizon`, with their current or next span, soonest first. */
export function windowAgenda(
  windows: readonly MaintenanceWindow[],
  at: number,
  horizon: number,
): { window: MaintenanceWindow; span: Occurrence; active: boolean }[] {
  return windows
    .flatMap((window) => {
      const current = occurrenceAt(window.timing, at);
      if (current) return [{ window, span: current, active: true }];
      const next = nextOccurrence(window.timing, at);
      return next && next.start < horizon ? [{ window, span: next, active: false }] : [];
    })
    .sort((a, b) => a.span.start - b.span.start || a.window.id.localeCompare(b.window.id));
}
