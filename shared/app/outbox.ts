import type { JobState } from '../domain/job';
import type { HistoryRepository } from '../storage/history-repository';
import type { JobRepository } from '../storage/job-repository';
import { alertEventOf, buildAlertMessage, type AlertBus } from './alert-bus';

/**
 * Hands a job's pending notices to the alert bus, records flips in the history, then takes them
 * out of the outbox. Safe to run twice on the same notice (the history write is idempotent and
 * the notifier claims each delivery), which is what makes a crash anywhere in here harmless.
 */
export class OutboxPublisher {
  constructor(
    private readonly jobs: JobRepository,
    private readonly history: HistoryRepository,
    private readonly bus: AlertBus,
    private readonly publicUrl: () => string | undefined,
  ) {}

  async publish(state: JobState): Promise<number> {
    if (state.pending.length === 0) {
      await this.jobs.clearOutboxMarker(state);
      return 0;
    }
    const profile = await this.jobs.getProfile(state.projectId, state.id);
    for (const notice of state.pending) {
      if (notice.kind === 'flip') await this.history.recordFlip(notice);
      const event = alertEventOf(notice);
      if (event) await this.bus.publish(buildAlertMessage(event, notice, state, profile, this.publicUrl()));
    }
    await this.jobs.acknowledge(
      state,
      state.pending.map((notice) => notice.id),
    );
    return state.pending.length;
  }
}
