import type { JobState, PingWindow, SignalKind } from '../domain/job';

const MINUTE_MS = 60_000;

/**
 * Pings per job per minute. Pings beyond the limit are acknowledged but not stored, unless they
 * change the job's status (a failure is never dropped).
 *
 * The count is the job's `pingWindow`, kept on its state item and written with the state write the
 * ping makes anyway: counting costs no read and no write of its own. A window opens with the first
 * ping counted in it and lasts a minute; once it holds `limit` stored pings, the next ones are
 * refused until it closes. So a flood is refused from the `limit + 1`-th ping of its first minute
 * on, at most the limit is stored per minute under a steady flood, and never more than twice the
 * limit in any 60 s (the end of one window and the start of the next). The write is a
 * compare-and-set on the state the count was read with, so concurrent pings cannot both take the
 * last place.
 */
export class PingRateGate {
  constructor(readonly perMinute: number) {}

  /** Whether one more ping may be stored for this job now. */
  allows(state: JobState, now: number): boolean {
    const window = openWindow(state, now);
    return !window || window.pings < this.perMinute;
  }

  /**
   * `next`, the job as a stored ping of `kind` at `now` leaves it, with that ping counted. The count
   * is left out of the item when it follows from `lastPingAt` (the ping opened a window of its own);
   * a `log` ping does not set `lastPingAt`, so it always writes the count.
   */
  counted(state: JobState, next: JobState, kind: SignalKind, now: number): JobState {
    const { pingWindow: _previous, ...rest } = next;
    const open = openWindow(state, now);
    const window: PingWindow = open ? { from: open.from, pings: open.pings + 1 } : { from: now, pings: 1 };
    const derivable = kind !== 'log' && window.pings === 1 && next.lastPingAt === now;
    return derivable ? rest : { ...rest, pingWindow: window };
  }
}

/** The job's window, if it is still open at `now`. */
function openWindow(state: JobState, now: number): PingWindow | undefined {
  const window =
    state.pingWindow ?? (state.lastPingAt === undefined ? undefined : { from: state.lastPingAt, pings: 1 });
  return window && now < window.from + MINUTE_MS ? window : undefined;
}
