/**
 * The outage guard's decision: is CronSentry's own ping intake failing? When it is (an API
 * Gateway or Lambda outage, throttling, DNS), every job looks missing at once, and alerting all of
 * them would page everyone for CronSentry's fault. Two witnesses, either one enough:
 *
 * - the canary: the checker pings a built-in job through the public ping URL every minute; a
 *   ping that does not arrive means the intake is down;
 * - the ingest volume: pings received in the last complete minute against the mean of the minutes
 *   before it. A sharp drop (below `dropRatio` of the recent rate) means pings are being lost. A
 *   fleet too quiet for the rate to mean anything (a mean below `minBaseline` pings a minute) is
 *   judged by the canary alone.
 *
 * Pure: the caller gathers the counts and the canary's result.
 */
export interface IntakePolicy {
  /** Complete minutes before the last one that make the recent rate. */
  readonly baselineMinutes: number;
  /** Below this share of the recent rate, the last minute counts as a sharp drop. */
  readonly dropRatio: number;
  /** The recent rate (pings a minute) from which a drop means anything. */
  readonly minBaseline: number;
}

export const INTAKE_POLICY: IntakePolicy = { baselineMinutes: 10, dropRatio: 0.2, minBaseline: 20 };

export type CanaryResult = 'arrived' | 'lost' | 'not-run';

export interface IntakeEvidence {
  readonly canary: CanaryResult;
  /** Pings received per complete minute, oldest first; the last one is the minute judged. */
  readonly perMinute: readonly number[];
}

export type IntakeVerdict = { readonly failing: false } | { readonly failing: true; readonly reason: string };

export function judgeIntake(evidence: IntakeEvidence, policy: IntakePolicy = INTAKE_POLICY): IntakeVerdict {
  if (evidence.canary === 'lost') {
    return { failing: true, reason: 'the canary ping sent through the public ping URL did not arrive' };
  }
  const drop = ingestDrop(evidence.perMinute, policy);
  return drop ? { failing: true, reason: drop } : { failing: false };
}

/** Why the last minute's volume is a sharp drop, or undefined when it is not (or cannot be told). */
export function ingestDrop(perMinute: readonly number[], policy: IntakePolicy = INTAKE_POLICY): string | undefined {
  if (perMinute.length < policy.baselineMinutes + 1) return undefined;
  const last = perMinute[perMinute.length - 1]!;
  const before = perMinute.slice(-policy.baselineMinutes - 1, -1);
  const baseline = before.reduce((sum, count) => sum + count, 0) / before.length;
  if (baseline < policy.minBaseline) return undefined;
  if (last >= baseline * policy.dropRatio) return undefined;
  return `${last} pings in the last minute against ${Math.round(baseline)} a minute before it`;
}
