import { MINUTE } from '../domain/durations';
import type { JobState, Notice } from '../domain/job';
import type { HistoryStore } from './ports/history-store';
import type { JobStore } from './ports/job-store';
import { PublishRefused, alertEventOf, buildAlertMessage, type AlertBus } from './alert-bus';
import type { DeadLetters } from './dead-letters';

/** Long enough for a publish round trip; short enough that a crashed holder delays little. */
const LEASE_MS = 30_000;
const ROUNDS = 4;

/**
 * When a notice the bus keeps failing to take is parked, so that the notices behind it (a
 * recovery behind its outage) still flow. A refusal that cannot change on a retry (the message
 * itself, a permission) is parked after a few tries; anything else (throttling, an outage of the
 * bus) only after many tries *and* a quarter of an hour, since a late alert beats a parked one.
 */
export const PARK_AFTER = { refusals: 3, failures: 20, minAgeMs: 15 * MINUTE } as const;

export function mustPark(notice: Notice, failures: number, error: unknown, now: number): boolean {
  if (error instanceof PublishRefused) return failures >= PARK_AFTER.refusals;
  return failures >= PARK_AFTER.failures && now - notice.at >= PARK_AFTER.minAgeMs;
}

/**
 * Empties a job's outbox: records each flip in the history, hands each alert-worthy notice to the
 * bus, and takes it out of the outbox, oldest first. One publisher at a time holds the job's
 * lease, so a notice reaches the bus once and a recovery never overtakes its outage. A crash
 * anywhere leaves the notice in the outbox (and the lease expiring) for the next sweep: at least
 * once, with the notifier's per-channel claim turning that into exactly once per channel.
 */
export class OutboxPublisher {
  constructor(
    private readonly jobs: JobStore,
    private readonly history: HistoryStore,
    /** Absent: alert-worthy notices are left, in order, to a publisher that has a bus (the checker). */
    private readonly bus: AlertBus | undefined,
    private readonly publicUrl: () => string | undefined,
    private readonly deadLetters?: DeadLetters,
  ) {}

  /**
   * Publishes whatever the job's outbox holds, starting from `known` (the state its caller just
   * wrote or read, which saves a read); returns how many notices this call published.
   */
  async publishPending(known: JobState, now: number): Promise<number> {
    let published = 0;
    let state: JobState | undefined = known;
    for (let round = 0; round < ROUNDS && state; round += 1) {
      if (state.pending.length === 0) {
        if (round === 0) await this.jobs.clearOutboxMarker(state);
        return published;
      }
      if (state.publishLeaseUntil !== undefined && state.publishLeaseUntil >= now) return published;
      const leased = await this.jobs.acquirePublishLease(state, now + LEASE_MS, now);
      if (!leased) {
        state = await this.jobs.getState(known.id);
        continue;
      }
      let result: Awaited<ReturnType<OutboxPublisher['publishAll']>> | undefined;
      try {
        result = await this.publishAll(leased, now);
        published += result.published;
      } finally {
        if (!result?.settled) await this.jobs.releasePublishLease(known.id);
      }
      if (result.settled || result.deferred) return published;
      // Someone wrote while we held the lease (perhaps a new notice they left to us): look again.
      state = await this.jobs.getState(known.id);
    }
    return published;
  }

  /**
   * `settled`: the last removal also released the lease, and nobody wrote in between. `deferred`:
   * without a bus, an alert-worthy notice (and all after it, so none overtakes it) was left. A failed
   * publish is counted on its notice and stops the drain (order matters), unless the notice has
   * failed often enough to be parked: then it leaves the outbox and the next one goes.
   */
  private async publishAll(
    leased: JobState,
    now: number,
  ): Promise<{ published: number; settled: boolean; deferred: boolean }> {
    const profile = await this.jobs.getProfile(leased.projectId, leased.id);
    let state = leased;
    let settled = false;
    let published = 0;
    for (const notice of leased.pending) {
      const event = alertEventOf(notice);
      if (event && !this.bus) return { published, settled: false, deferred: true };
      // The history keeps every status change, also those held back while the job flaps.
      if (notice.kind === 'flip' || notice.kind === 'flapping') await this.history.recordFlip(notice);
      if (event) {
        try {
          await this.bus!.publish(buildAlertMessage(event, notice, leased, profile, this.publicUrl()));
        } catch (error) {
          if (!this.deadLetters) throw error;
          const counted = await this.jobs.recordPublishFailure(leased.id, notice.id);
          if (!mustPark(notice, counted.failures, error, now)) throw error;
          await this.deadLetters.park(notice, event, counted.failures, error, now);
          state = counted.state;
        }
      }
      ({ state, settled } = await this.jobs.removeNotice(state, notice.id));
      published += 1;
    }
    return { published, settled, deferred: false };
  }
}
