import type { JobState } from '../domain/job';
import type { HistoryRepository } from '../storage/history-repository';
import type { JobRepository } from '../storage/job-repository';
import { alertEventOf, buildAlertMessage, type AlertBus } from './alert-bus';

/** Long enough for a publish round trip; short enough that a crashed holder delays little. */
const LEASE_MS = 30_000;
const ROUNDS = 4;

/**
 * Drains a job's outbox: records each flip in the history, hands each alert-worthy notice to the
 * bus, and takes it out of the outbox, oldest first. One publisher at a time holds the job's
 * lease, so a notice reaches the bus once and a recovery never overtakes its outage. A crash
 * anywhere leaves the notice in the outbox (and the lease expiring) for the next sweep: at least
 * once, with the notifier's per-channel claim turning that into exactly once per channel.
 */
export class OutboxPublisher {
  constructor(
    private readonly jobs: JobRepository,
    private readonly history: HistoryRepository,
    private readonly bus: AlertBus,
    private readonly publicUrl: () => string | undefined,
  ) {}

  /** Publishes whatever the job's outbox holds; returns how many notices this call published. */
  async drain(jobId: string, now: number): Promise<number> {
    let published = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const state = await this.jobs.getState(jobId);
      if (!state) return published;
      if (state.pending.length === 0) {
        if (round === 0) await this.jobs.clearOutboxMarker(state);
        return published;
      }
      if (state.publishLeaseUntil !== undefined && state.publishLeaseUntil >= now) return published;
      const leased = await this.jobs.acquirePublishLease(state, now + LEASE_MS, now);
      if (!leased) continue;
      try {
        published += await this.publishAll(leased);
      } finally {
        await this.jobs.releasePublishLease(jobId);
      }
      // Loop: a writer may have added a notice while we held the lease and left it to us.
    }
    return published;
  }

  private async publishAll(leased: JobState): Promise<number> {
    const profile = await this.jobs.getProfile(leased.projectId, leased.id);
    let state = leased;
    let published = 0;
    for (const notice of leased.pending) {
      if (notice.kind === 'flip') await this.history.recordFlip(notice);
      const event = alertEventOf(notice);
      if (event) await this.bus.publish(buildAlertMessage(event, notice, leased, profile, this.publicUrl()));
      state = await this.jobs.removeNotice(state, notice.id);
      published += 1;
    }
    return published;
  }
}
