import { MINUTE, SECOND } from '../domain/durations';
import type { IntakeStore } from './ports/intake-store';
import type { Logger } from './logger';

/**
 * Counts received pings per minute for the outage guard. A ping adds to an in-process tally; at
 * most every `flushEveryMs` the tally is added to the minute's counter item. So a busy ping
 * function writes a few counter updates a minute, not one per ping (a ping stays one write unit
 * on the common path). A tally not yet flushed when a process goes idle is at most that long's
 * worth of pings, which the guard's 80 % drop threshold absorbs.
 */
export class IngestCounter {
  private readonly tally = new Map<number, number>();
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Pick<IntakeStore, 'addPings'>,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly flushEveryMs = 10 * SECOND,
  ) {}

  /** Counts one ping; a ping must never fail because counting it did. */
  async count(now: number): Promise<void> {
    const minute = Math.floor(now / MINUTE) * MINUTE;
    this.tally.set(minute, (this.tally.get(minute) ?? 0) + 1);
    if (now - this.lastFlush < this.flushEveryMs) return;
    this.lastFlush = now;
    const counts = [...this.tally];
    this.tally.clear();
    try {
      await Promise.all(counts.map(([start, pings]) => this.store.addPings(start, pings)));
    } catch (error) {
      this.logger.warn('counting pings for the outage guard failed', { error: (error as Error).name });
    }
  }
}
