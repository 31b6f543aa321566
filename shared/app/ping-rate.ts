import type { SignalKind } from '../domain/job';
import type { HistoryStore } from './ports/history-store';

const MINUTE_MS = 60_000;
/** Verdicts remembered per container; a flood of one job then costs no reads at all. */
const REMEMBERED_JOBS = 10_000;

/**
 * Pings per job per minute. Pings beyond the limit are acknowledged but not stored, unless they
 * change the job's status (a failure is never dropped).
 *
 * Counting costs nothing on the common path: a ping that comes at least 60 s / limit after the
 * job's last stored ping cannot, on its own pace, exceed the limit, so it is not counted. Only a
 * ping that comes sooner (and every `log` ping, which the job item does not record) reads the
 * newest `limit` entries of the ping log. A job found over its limit is remembered in memory until
 * the oldest of those entries is a minute old. The effect: at most about `limit` stored pings per
 * minute under a steady flood, never more than twice that in the worst interleaving.
 */
export class PingRateGate {
  private readonly overUntil = new Map<string, number>();

  constructor(
    private readonly history: Pick<HistoryStore, 'listPings'>,
    readonly perMinute: number,
  ) {}

  /**
   * Whether a ping of `kind` to a job last pinged at `lastPingAt` may be stored now. Decided before
   * anything is written: from memory when the job is known to be over, without a read when the
   * ping keeps to the limit's pace, else by counting the job's newest stored pings.
   */
  async allows(jobId: string, kind: SignalKind, lastPingAt: number | undefined, now: number): Promise<boolean> {
    if (this.knownOver(jobId, now)) return false;
    if (!this.mustCount(kind, lastPingAt, now)) return true;
    return !(await this.isOver(jobId, now));
  }

  /** True when the job is known, without a read, to be over its limit. */
  private knownOver(jobId: string, now: number): boolean {
    const until = this.overUntil.get(jobId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.overUntil.delete(jobId);
    return false;
  }

  /** Whether this ping has to be counted before it is stored. */
  private mustCount(kind: SignalKind, lastPingAt: number | undefined, now: number): boolean {
    if (kind === 'log') return true;
    return lastPingAt !== undefined && now - lastPingAt < MINUTE_MS / this.perMinute;
  }

  /** Counts the job's stored pings of the last minute (reads at most `perMinute` log entries). */
  private async isOver(jobId: string, now: number): Promise<boolean> {
    const newest = await this.history.listPings(jobId, this.perMinute);
    const oldest = newest.items[this.perMinute - 1];
    if (!oldest || oldest.at <= now - MINUTE_MS) return false;
    if (this.overUntil.size >= REMEMBERED_JOBS) this.overUntil.delete(this.overUntil.keys().next().value!);
    this.overUntil.set(jobId, oldest.at + MINUTE_MS);
    return true;
  }
}
