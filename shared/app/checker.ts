import pMap from 'p-map';
import type { JobState } from '../domain/job';
import { isHeard, judge } from '../domain/hold';
import type { Transition } from '../domain/transitions';
import { dueKeyOf, phaseVisitStart } from '../domain/wake-phase';
import { WriteConflictError } from '../errors';
import type { JobStore } from './ports/job-store';
import { withPublishLease, type OutboxPublisher } from './outbox';
import type { Logger } from './logger';
import type { MaintenanceCalendar } from './maintenance-calendar';

export interface SweepReport {
  readonly due: number;
  readonly flipped: number;
  readonly reminded: number;
  readonly rearmed: number;
  readonly lostRaces: number;
  readonly republished: number;
}

export interface CheckerOptions {
  /** A notice younger than this is left to the writer that made it, which publishes at once. */
  readonly republishAfterMs: number;
  /** How many jobs one sweep evaluates at once. */
  readonly concurrency: number;
  /**
   * The shortest pause between two sweeps of one invocation: deadlines that fall within a second
   * of each other are flipped by one sweep instead of one sweep each (flips stay within ~1 s).
   */
  readonly minGapMs: number;
  /**
   * How long the publish leases a sweep takes last (its flips', its republishes'). A mass outage's
   * drain outlives the 30 s a single publish needs (10,000 jobs: 78 s on DynamoDB Local), and a
   * lease that expires mid-drain lets a ping's recovery or another invocation take it over and
   * publish the same notice a second time. Renewing every held lease would cost a conditional write
   * per job (no batch write may update, and BatchWriteItem is refused to every role) on the very
   * store the sweep is waiting for; a lease as long as the checker's Lambda timeout costs nothing,
   * and outlives any drain of an invocation, which is stopped by then. Its price: a checker that
   * crashes mid-sweep holds its notices back that long (90 s instead of 30 s) before the next
   * invocation republishes them.
   */
  readonly sweepLeaseMs: number;
  /** Maintenance windows: asked only when a due job would alert (shared/domain/hold.ts). */
  readonly maintenance?: Pick<MaintenanceCalendar, 'quietFor'>;
  /** The outage guard: asked once per sweep whether CronSentry's own ping intake is failing. */
  readonly intake?: { failing(now: number): Promise<boolean>; readonly recheckMs?: number };
}

/** A state whose wake-up time has come. */
type DueState = JobState & { readonly wakeAt: number };

/** One due job's judgement in a sweep: the state read, the step decided, the state to write. */
interface SweepWrite {
  readonly read: DueState;
  readonly step: Transition;
  /** `step.state`, with the publish lease taken when it records a notice nobody else is publishing. */
  readonly state: JobState;
  readonly leased: boolean;
}

/**
 * The checker Lambda's timeout (infra/constructs/checker.ts: its one-minute window and 30 s for the
 * last sweep to finish; test/infra/stack.test.ts keeps the two equal): no invocation runs longer.
 */
export const CHECKER_TIMEOUT_MS = 90_000;

/** Flipped jobs published together: one BatchGetItem of their profiles, PublishBatch requests of 10. */
const PUBLISH_TOGETHER = 100;

/**
 * 48 writes at once: a mass outage's sweep is bound by its flips, one conditional write each; 48
 * flipped 1,000 jobs' alerts out in 0.59x the time of 16 on DynamoDB Local (docs/benchmarks.md), and
 * stays under the SDK's 50 sockets per client.
 */
const DEFAULT_OPTIONS: CheckerOptions = {
  republishAfterMs: 5_000,
  concurrency: 48,
  minGapMs: 1_000,
  sweepLeaseMs: CHECKER_TIMEOUT_MS,
};

/**
 * The missing-job checker. A sweep reads only the jobs whose wake-up time has passed (sparse,
 * sharded index; never a scan), judges every one of them against the same `now`, and writes each
 * decision conditionally on the version it read: when a ping or another checker got there first,
 * this one loses quietly, so a flip is recorded exactly once.
 */
export class Checker {
  private readonly options: CheckerOptions;

  constructor(
    private readonly jobs: JobStore,
    private readonly outbox: OutboxPublisher,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
    options: Partial<CheckerOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  async sweep(now: number): Promise<SweepReport> {
    const report = { due: 0, flipped: 0, reminded: 0, rearmed: 0, lostRaces: 0, republished: 0 };
    // Phase keys (hourly and daily jobs) are visited as the clock passes them, from where the last
    // complete sweep stopped: a late or failed invocation leaves a gap the next one still visits.
    const phasesAfter = phaseVisitStart(await this.jobs.lastPhaseVisit(), now);
    let visitedUpTo = now;
    const dueIds = await this.jobs.dueJobIds(now, phasesAfter);
    report.due = dueIds.length;
    const states = await this.jobs.getStates(dueIds);
    const intakeFailing = (await this.options.intake?.failing(now)) ?? false;
    // Flipped jobs are published a hundred at a time while the sweep goes on flipping the rest, so
    // the first alerts of a mass outage do not wait for its last flip.
    let leased: JobState[] = [];
    const publishing: Promise<number>[] = [];
    // Their tidy-up writes (history records, notices out of the outbox) wait for the last flip.
    let flipsWritten!: () => void;
    const allFlipsWritten = new Promise<void>((resolve) => (flipsWritten = resolve));
    // Every due job is judged before any is written, so that the sweep's changes into a down status
    // are counted in one grouped write per counter item before its first flip (the summary never
    // hides a missing job), instead of a group per batch of flips in front of each.
    const writes = await pMap(
      // The index is eventually consistent and may be stale: the item is the truth.
      states.filter((state): state is DueState => state.wakeAt !== undefined && state.wakeAt <= now),
      async (read): Promise<SweepWrite> => {
        const step = await this.judgeDue(read, now, intakeFailing);
        // The write that records a notice also takes the publish lease: whoever wins it publishes.
        const withLease = step.notice ? withPublishLease(step.state, read, now, this.options.sweepLeaseMs) : undefined;
        return { read, step, state: withLease ?? step.state, leased: withLease !== undefined };
      },
      { concurrency: this.options.concurrency },
    );
    // Should this fail part-way, the items it reached over-report until the daily recount: never under.
    await this.jobs.countAhead(writes.map((write) => ({ state: write.state, basedOn: write.read })));
    const unwritten = new Set(writes);
    const flipping = pMap(
      writes,
      async (write) => {
        unwritten.delete(write);
        const { read: state, step } = write;
        try {
          await this.jobs.saveState(write.state, state, { countedAhead: true });
        } catch (error) {
          if (error instanceof WriteConflictError) {
            report.lostRaces += 1;
            // A write that bumped only the version (the outbox's lease) leaves a phase key where it
            // was, now behind us: the next sweep must visit that phase again.
            if (dueKeyOf(state)?.kind === 'phase') visitedUpTo = Math.min(visitedUpTo, state.wakeAt - 1);
            return;
          }
          throw error;
        }
        if (!step.notice) {
          report.rearmed += 1;
          return;
        }
        if (step.notice.kind === 'flip') report.flipped += 1;
        else report.reminded += 1;
        if (!write.leased) return;
        leased.push(write.state);
        if (leased.length >= PUBLISH_TOGETHER) {
          // One chunk tidies up after the other, not all at once (a 10,000-job outage has 100).
          publishing.push(this.publishOrLeave(leased, now, true, Promise.all([allFlipsWritten, publishing.at(-1)])));
          leased = [];
        }
      },
      { concurrency: this.options.concurrency },
    );
    try {
      await flipping;
    } finally {
      flipsWritten();
      // A failed write stopped the sweep: the writes it never made take back their counts.
      if (unwritten.size > 0) await this.takeBackCounts([...unwritten]);
    }
    await this.jobs.savePhaseVisit(visitedUpTo);
    publishing.push(this.publishOrLeave(leased, now, true));
    await Promise.all(publishing);
    report.republished = await this.republishStale(now);
    if (report.due > 0 || report.republished > 0) this.logger.info('sweep', { ...report });
    return report;
  }

  /**
   * One scheduled invocation: sweeps until `windowMs` has passed, sleeping until the earliest
   * wake-up time (at most `sweepEveryMs`), and returns at once when nothing falls due before the
   * next invocation. Every new deadline lies at least one minimum grace ahead, so nothing can
   * become due earlier than what the index shows now without the invocation seeing it next look.
   */
  async runInvocation(
    clock: () => number,
    sleep: (ms: number) => Promise<void>,
    windowMs: number,
    sweepEveryMs: number,
  ) {
    // The outage guard's canary goes out every minute, also when nothing is due.
    await this.options.intake?.failing(clock());
    const end = clock() + windowMs;
    let sweeps = 0;
    let lastSweep = Number.NEGATIVE_INFINITY;
    for (;;) {
      const now = clock();
      const next = await this.nextLook(now);
      if (next === undefined || next >= end) return { sweeps };
      const wakeAt = Math.min(Math.max(next, now, lastSweep + this.options.minGapMs), now + sweepEveryMs);
      if (wakeAt > now) await sleep(wakeAt - now);
      lastSweep = clock();
      await this.sweep(lastSweep);
      sweeps += 1;
      if (clock() >= end) return { sweeps };
    }
  }

  /**
   * The next moment anything needs the checker at or after `now`'s view of the index: a wake-up
   * time, a phase not visited yet (possibly already passed: then at once), or a notice to re-publish.
   */
  async nextLook(now: number): Promise<number | undefined> {
    const phasesAfter = phaseVisitStart(await this.jobs.lastPhaseVisit(), now);
    const [wake, outbox] = await Promise.all([this.jobs.earliestWake(phasesAfter), this.jobs.earliestOutbox()]);
    const times = [wake, outbox === undefined ? undefined : outbox + this.options.republishAfterMs];
    const known = times.filter((time): time is number => time !== undefined);
    return known.length ? Math.min(...known) : undefined;
  }

  /** Never throws: it runs while a failed sweep's error is on its way; a recount repairs what it leaves. */
  private async takeBackCounts(writes: readonly SweepWrite[]): Promise<void> {
    try {
      await this.jobs.takeBackCountedAhead(writes.map((write) => ({ state: write.state, basedOn: write.read })));
    } catch (error) {
      this.logger.warn('taking back the counts of unwritten flips failed; the next recount repairs them', {
        jobs: writes.length,
        error: (error as Error)?.name ?? 'Error',
      });
    }
  }

  /** The state machine's judgement, held back when the job is inside a maintenance window. */
  private async judgeDue(state: JobState, now: number, intakeFailing: boolean): Promise<Transition> {
    const context = { intakeFailing, recheckMs: this.options.intake?.recheckMs };
    const plain = judge(state, now, context);
    if (!isHeard(plain.notice) || !this.options.maintenance) return plain;
    const quiet = await this.options.maintenance.quietFor(state.projectId, state.id, now);
    return quiet ? judge(state, now, { ...context, quiet }) : plain;
  }

  private async republishStale(now: number): Promise<number> {
    const ids = await this.jobs.outboxJobIds(now - this.options.republishAfterMs);
    if (ids.length === 0) return 0;
    return this.publishOrLeave(await this.jobs.getStates(ids), now, false);
  }

  private async publishOrLeave(
    states: readonly JobState[],
    now: number,
    leased: boolean,
    tidyAfter?: Promise<unknown>,
  ): Promise<number> {
    if (states.length === 0) return 0;
    // Never rejects: it runs beside the sweep's flips, and what fails stays in the outbox anyway.
    const { published, failures } = await this.outbox
      .publishMany(states, now, {
        leased,
        concurrency: this.options.concurrency,
        leaseMs: this.options.sweepLeaseMs,
        tidyAfter,
      })
      .catch((error: unknown) => ({ published: 0, failures: states.map((state) => ({ jobId: state.id, error })) }));
    if (failures.length > 0) {
      this.logger.warn('publishing notices failed; they stay in the outbox', {
        jobs: failures.length,
        jobIds: failures.slice(0, 10).map((failure) => failure.jobId),
        errors: [...new Set(failures.map((failure) => (failure.error as Error)?.name ?? 'Error'))],
      });
    }
    return published;
  }
}
