import { MINUTE, describeDuration } from './durations';
import type { FlapState, StoredStatus } from './job';

/**
 * Flap handling: anyone holding a ping URL can alternate `/fail` and success pings, and every
 * change would reach every channel of the job. Status changes always apply; only the *notices*
 * are rate-limited per job. Up to `threshold` alert-worthy changes within `windowMs` are alerted
 * one by one; the next one becomes a single "flapping" notice, and from then on changes are only
 * recorded, until the job has kept one status for `settleMs`: then one summary says where it
 * settled and how many changes were held back.
 */
export interface FlapPolicy {
  readonly threshold: number;
  readonly windowMs: number;
  readonly settleMs: number;
}

export const FLAP_POLICY: FlapPolicy = { threshold: 5, windowMs: 15 * MINUTE, settleMs: 10 * MINUTE };

/** `alert`: tell people as usual; `start`: send the one flapping notice; `hold`: record only. */
export type FlapVerdict = 'alert' | 'start' | 'hold';

/** Counts one alert-worthy change at `at` and says what to do with its notice. */
export function countChange(
  flap: FlapState | undefined,
  from: StoredStatus,
  at: number,
  policy: FlapPolicy = FLAP_POLICY,
): { flap: FlapState; verdict: FlapVerdict } {
  if (flap?.settleAt !== undefined) {
    return {
      flap: {
        ...flap,
        changes: flap.changes + 1,
        suppressed: (flap.suppressed ?? 0) + 1,
        settleAt: at + policy.settleMs,
      },
      verdict: 'hold',
    };
  }
  const inWindow = flap !== undefined && at - flap.windowStart < policy.windowMs;
  const windowStart = inWindow ? flap.windowStart : at;
  const changes = inWindow ? flap.changes + 1 : 1;
  if (changes <= policy.threshold) return { flap: { windowStart, changes }, verdict: 'alert' };
  return {
    flap: { windowStart, changes, since: at, fromStatus: from, suppressed: 0, settleAt: at + policy.settleMs },
    verdict: 'start',
  };
}

/** The flap state worth keeping at `now`: a window that ended and is not flapping is forgotten. */
export function currentFlap(
  flap: FlapState | undefined,
  now: number,
  policy: FlapPolicy = FLAP_POLICY,
): FlapState | undefined {
  if (!flap || flap.settleAt !== undefined) return flap;
  return now - flap.windowStart < policy.windowMs ? flap : undefined;
}

/** Whether a flapping job has kept one status long enough for its summary at `now`. */
export function hasSettled(flap: FlapState | undefined, now: number): flap is FlapState & { settleAt: number } {
  return flap?.settleAt !== undefined && now >= flap.settleAt;
}

export function flappingReason(flap: FlapState, at: number, to: StoredStatus, policy: FlapPolicy = FLAP_POLICY) {
  return (
    `${flap.changes} status changes in ${describeDuration(Math.max(0, at - flap.windowStart))}, now ${to}; ` +
    `further changes are not alerted until it keeps one status for ${describeDuration(policy.settleMs)}`
  );
}

export function settledReason(flap: FlapState, at: number, to: StoredStatus) {
  const since = flap.since ?? flap.windowStart;
  const held = flap.suppressed ?? 0;
  return (
    `settled as ${to} after flapping for ${describeDuration(Math.max(0, at - since))}; ` +
    `${held} status change${held === 1 ? ' was' : 's were'} not alerted`
  );
}
