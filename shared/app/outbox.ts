import pMap from 'p-map';
import { MINUTE } from '../domain/durations';
import type { JobProfile, JobState, Notice } from '../domain/job';
import type { HistoryStore } from './ports/history-store';
import type { JobStore } from './ports/job-store';
import {
  PublishRefused,
  alertEventOf,
  buildAlertMessage,
  publishAll,
  type AlertBus,
  type AlertEvent,
  type PublishOutcome,
} from './alert-bus';
import type { DeadLetters } from './dead-letters';

/**
 * Long enough for one job's publish round trip (a ping, an api change); short enough that a crashed
 * holder delays little. A checker's sweep, whose drain of a mass outage can take longer, holds its
 * leases for its whole invocation instead (`sweepLeaseMs`, checker.ts).
 */
export const LEASE_MS = 30_000;
const ROUNDS = 4;
/** Jobs drained together: one BatchGetItem of their profiles, PublishBatch requests of their alerts. */
const DRAIN_CHUNK = 100;
/** Chunks drained at once: their batch reads and writes overlap the removals of the others. */
const CHUNKS_AT_ONCE = 4;
/** Store calls a publisher makes at once when its caller does not say. */
const DEFAULT_CONCURRENCY = 16;

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
 * `next` with the job's publish lease taken, for a writer that puts a notice in the outbox with a
 * conditional write on `read` (the checker's flip): that one write then both records the notice
 * and makes its winner the one publisher, with no write of its own for the lease. Undefined when
 * `read` shows someone else holding a live lease: they publish what is added (their removal of the
 * last notice fails on the moved version, so they look again).
 */
export function withPublishLease(
  next: JobState,
  read: JobState,
  now: number,
  leaseMs = LEASE_MS,
): JobState | undefined {
  if (read.publishLeaseUntil !== undefined && read.publishLeaseUntil >= now) return undefined;
  return { ...next, publishLeaseUntil: now + leaseMs };
}

/** What publishing some jobs' outboxes came to: notices taken out, and the jobs whose publish failed. */
export interface PublishReport {
  readonly published: number;
  readonly failures: readonly { readonly jobId: string; readonly error: unknown }[];
}

export interface PublishOptions {
  /** The states were written with the lease taken (`withPublishLease`): no lease to acquire first. */
  readonly leased?: boolean;
  /** Store calls made at once. */
  readonly concurrency?: number;
  /**
   * How long the leases this publisher takes last (default `LEASE_MS`): longer than its drain can
   * take, or a publisher that takes an expired lease over publishes the same notice again.
   */
  readonly leaseMs?: number;
  /**
   * The writes that only tidy up after a publish (each flip's history record, each notice's
   * removal) wait for this, so that the caller's more urgent writes go first: a sweep's remaining
   * flips, whose alerts would otherwise queue behind a thousand tidy-ups in a mass outage.
   */
  readonly tidyAfter?: PromiseLike<unknown>;
}

/** One job being drained: the state it was leased with, the latest state written, what is left. */
interface Draining {
  readonly leased: JobState;
  state: JobState;
  readonly queue: Notice[];
  published: number;
  settled: boolean;
  deferred: boolean;
  error?: { readonly cause: unknown };
}

/**
 * One job's share of a drain step: its notices up to and including the next one people hear
 * about (`alert`), so that a job's alerts reach the bus one step at a time, in order.
 */
interface Step {
  readonly job: Draining;
  readonly notices: readonly Notice[];
  readonly alert?: { readonly notice: Notice; readonly event: AlertEvent };
}

/**
 * Empties jobs' outboxes: records each flip in the history, hands each alert-worthy notice to the
 * bus, and takes it out of the outbox, oldest first. One publisher at a time holds a job's
 * lease, so a notice reaches the bus once and a recovery never overtakes its outage. A crash
 * anywhere leaves the notice in the outbox (and the lease expiring) for the next sweep: at least
 * once, with the notifier's per-channel claim turning that into exactly once per channel.
 * Many jobs are drained together (a mass outage): their profiles read and their alerts published
 * in batches; each flip's history record and each notice's removal stay a write of their own.
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
   * wrote or read, which saves a read); returns how many notices this call published, and throws
   * what made a publish fail (the notice stays in the outbox).
   */
  async publishPending(known: JobState, now: number): Promise<number> {
    const report = await this.publishMany([known], now);
    if (report.failures[0]) throw report.failures[0].error;
    return report.published;
  }

  /**
   * Publishes the outboxes of many jobs, starting from the states given (just written or read).
   * A job whose lease is held by someone else is left to them; one that someone wrote to while
   * it was being published is read and published again, up to a few rounds. Never throws: a job
   * whose publish failed keeps its notices, and is listed.
   */
  async publishMany(known: readonly JobState[], now: number, options: PublishOptions = {}): Promise<PublishReport> {
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    const failures: { jobId: string; error: unknown }[] = [];
    let published = 0;
    let waiting: readonly JobState[] = known;
    for (let round = 0; round < ROUNDS && waiting.length > 0; round += 1) {
      const held: JobState[] = [];
      const lost: string[] = [];
      if (round === 0 && options.leased) held.push(...waiting);
      else {
        await pMap(
          waiting,
          async (state) => {
            try {
              const leased = await this.lease(state, now, round, options.leaseMs ?? LEASE_MS);
              if (leased === 'lost') lost.push(state.id);
              else if (leased) held.push(leased);
            } catch (error) {
              failures.push({ jobId: state.id, error });
            }
          },
          { concurrency },
        );
      }
      const drained = (
        await pMap(chunksOf(held, DRAIN_CHUNK), (chunk) => this.drain(chunk, now, concurrency, options.tidyAfter), {
          concurrency: CHUNKS_AT_ONCE,
        })
      ).flat();
      const again = [...lost];
      await pMap(
        drained,
        async (job) => {
          published += job.published;
          if (job.error) failures.push({ jobId: job.leased.id, error: job.error.cause });
          if (job.settled) return;
          try {
            await this.jobs.releasePublishLease(job.leased.id);
          } catch (error) {
            if (!job.error) failures.push({ jobId: job.leased.id, error });
            return;
          }
          // Someone wrote while we held the lease (perhaps a new notice they left to us): look again.
          if (!job.error && !job.deferred) again.push(job.leased.id);
        },
        { concurrency },
      );
      const fresh = await pMap(again, (id) => this.jobs.getState(id), { concurrency });
      waiting = fresh.filter((state): state is JobState => state !== undefined);
    }
    return { published, failures };
  }

  /** The state with the job's lease taken; undefined when there is nothing to do; 'lost' to look again. */
  private async lease(
    state: JobState,
    now: number,
    round: number,
    leaseMs: number,
  ): Promise<JobState | 'lost' | undefined> {
    if (state.pending.length === 0) {
      if (round === 0) await this.jobs.clearOutboxMarker(state);
      return undefined;
    }
    if (state.publishLeaseUntil !== undefined && state.publishLeaseUntil >= now) return undefined;
    return (await this.jobs.acquirePublishLease(state, now + leaseMs, now)) ?? 'lost';
  }

  /**
   * Drains leased jobs step by step (see `Step`): a step's alerts published in one batch, then its
   * flips recorded and each job's notices removed (after `tidyAfter`). The notice stays in the
   * outbox until its flip is in the history, so a crash in between republishes it and records the
   * flip then (the record is idempotent; the notifier's claim keeps the second publish from
   * reaching a channel twice). `settled`: the last removal
   * also released the lease, and nobody wrote in between. `deferred`: without a bus, an
   * alert-worthy notice (and all after it, so none overtakes it) was left. A failed publish is
   * counted on its notice and stops that job's drain (order matters), unless the notice has failed
   * often enough to be parked: then it leaves the outbox and the next one goes.
   */
  private async drain(
    held: readonly JobState[],
    now: number,
    concurrency: number,
    tidyAfter?: PromiseLike<unknown>,
  ): Promise<Draining[]> {
    const jobs: Draining[] = held.map((state) => ({
      leased: state,
      state,
      queue: [...state.pending],
      published: 0,
      settled: false,
      deferred: false,
    }));
    try {
      const profiles = await this.jobs.getProfiles(
        held.map((state) => ({ projectId: state.projectId, jobId: state.id })),
      );
      const profileOf = new Map(profiles.map((profile) => [profile.id, profile]));
      let active = jobs.filter((job) => job.queue.length > 0);
      while (active.length > 0) {
        const steps = active.map((job) => this.nextStep(job));
        const sent = steps.filter((step) => step.alert);
        // Without a bus no step has an alert (`nextStep` defers it), and nothing is published.
        const outcomes = await publishAll(
          this.bus!,
          sent.map((step) => this.messageOf(step, profileOf.get(step.job.leased.id))),
        );
        const outcomeOf = new Map(sent.map((step, i) => [step, outcomes[i]!]));
        await tidyAfter;
        await pMap(steps, (step) => this.settle(step, outcomeOf.get(step), now), { concurrency });
        active = active.filter((job) => job.queue.length > 0 && !job.deferred && !job.error);
      }
    } catch (error) {
      // The profiles' read or a history write failed: every job not finished keeps its outbox.
      for (const job of jobs) if (!job.settled && job.queue.length > 0) job.error ??= { cause: error };
    }
    return jobs;
  }

  /** Takes the job's next step off its queue; without a bus, stops before its next alert. */
  private nextStep(job: Draining): Step {
    const notices: Notice[] = [];
    while (job.queue.length > 0) {
      const notice = job.queue[0]!;
      const event = alertEventOf(notice);
      if (event && !this.bus) {
        job.deferred = true;
        break;
      }
      notices.push(job.queue.shift()!);
      if (event) return { job, notices, alert: { notice, event } };
    }
    return { job, notices };
  }

  private messageOf(step: Step, profile: JobProfile | undefined) {
    const { notice, event } = step.alert!;
    return buildAlertMessage(event, notice, step.job.leased, profile, this.publicUrl());
  }

  /**
   * Records a step's flips, then takes its notices out of the job's outbox, or counts (and perhaps
   * parks) a failed alert.
   */
  private async settle(step: Step, outcome: PublishOutcome | undefined, now: number): Promise<void> {
    const job = step.job;
    try {
      // The history keeps every status change, also those held back while the job flaps. One put
      // each: BatchWriteItem would save calls, but IAM cannot tell its puts from its deletes, and
      // the checker may delete nothing (test/infra/iam.test.ts).
      for (const notice of step.notices) {
        if (notice.kind === 'flip' || notice.kind === 'flapping') await this.history.recordFlip(notice);
      }
      for (const notice of step.notices) {
        if (notice === step.alert?.notice && outcome && !outcome.ok) {
          if (!this.deadLetters) throw outcome.error;
          const counted = await this.jobs.recordPublishFailure(job.leased.id, notice.id);
          if (!mustPark(notice, counted.failures, outcome.error, now)) throw outcome.error;
          await this.deadLetters.park(notice, step.alert.event, counted.failures, outcome.error, now);
          job.state = counted.state;
        }
        ({ state: job.state, settled: job.settled } = await this.jobs.removeNotice(job.state, notice.id));
        job.published += 1;
      }
    } catch (error) {
      job.error = { cause: error };
    }
  }
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
