import { randomBytes } from 'node:crypto';
import type { JobState, Signal, SignalKind } from '../domain/job';
import { isHeard, withMaintenance } from '../domain/hold';
import type { PingRecord } from '../domain/history';
import { transition } from '../domain/transitions';
import type { HistoryStore } from './ports/history-store';
import type { JobStore } from './ports/job-store';
import type { OutboxPublisher } from './outbox';
import { writeTransition } from './write-transition';
import type { Logger } from './logger';
import { PingRateGate } from './ping-rate';
import { NotFoundError } from '../errors';
import type { SlugDirectory, SlugPing } from './slugs';
import type { MaintenanceCalendar } from './maintenance-calendar';
import type { IngestCounter } from './ingest-counter';

/** The job output kept per ping; more is cut off, never rejected (a job's ping must not fail). */
export const MAX_PING_BODY_BYTES = 10 * 1024;
const MAX_USER_AGENT = 200;

export interface PingInput {
  readonly jobId: string;
  readonly kind: SignalKind;
  readonly exitCode?: number;
  readonly runId?: string;
  /** Why the run failed, in a few words (AWS events); it goes into the flip and the alert. */
  readonly reason?: string;
  readonly method: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly body: string;
}

/** What a ping URL names: a job by its id, or a slug in the project of a ping key. */
export type PingTarget = { readonly jobId: string } | SlugPing;

export interface PingServiceOptions {
  /** Pings per job per minute that are stored; more are acknowledged, not stored. Unset: no limit. */
  readonly maxPingsPerMinute?: number;
  /** Resolves slug pings; without it every slug ping is an unknown job. */
  readonly slugs?: SlugDirectory;
  /** Counts every ping received, for the outage guard's volume watch. */
  readonly ingest?: Pick<IngestCounter, 'count'>;
  /** Maintenance windows; asked only when a ping would alert. */
  readonly maintenance?: Pick<MaintenanceCalendar, 'quietFor'>;
}

export class PingService {
  private readonly gate?: PingRateGate;

  constructor(
    private readonly jobs: JobStore,
    private readonly history: HistoryStore,
    private readonly outbox: OutboxPublisher,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly options: PingServiceOptions = {},
  ) {
    if (options.maxPingsPerMinute) this.gate = new PingRateGate(options.maxPingsPerMinute);
  }

  /**
   * A ping by ping key and slug (`?create=1` may register the slug); unknown → NotFoundError.
   * `created` says that this ping registered the job.
   */
  async recordBySlug(input: Omit<PingInput, 'jobId'> & SlugPing, now: number): Promise<{ created: boolean }> {
    const { pingKey, slug, create, ...ping } = input;
    const { jobId, created } = await this.locate({ pingKey, slug, create }, now);
    await this.record({ ...ping, jobId }, now);
    return { created };
  }

  /**
   * Finds the job a ping names without recording anything (a slug with `create` may register
   * it, as in Healthchecks). Used to answer a malformed ping to a known job with 400, and to an
   * unknown one with the same 404 as always.
   */
  async locate(target: PingTarget, now: number): Promise<{ jobId: string; created: boolean }> {
    if ('jobId' in target) {
      if (!(await this.jobs.getState(target.jobId))) throw new NotFoundError('job');
      return { jobId: target.jobId, created: false };
    }
    if (!this.options.slugs) throw new NotFoundError('job');
    return this.options.slugs.resolve(target, now);
  }

  /**
   * Records a ping; throws NotFoundError for an unknown job. One compare-and-set pass: on the
   * state it read, it decides whether the ping may be stored (the rate gate, whose count is part of
   * that state), applies the signal, and writes once; a lost race decides again on the fresh state.
   */
  async record(input: PingInput, now: number): Promise<void> {
    await this.options.ingest?.count(now);
    const signal = signalOf(input, now);
    const gate = this.gate;
    const { state, notice, stored } = await writeTransition(this.jobs, input.jobId, async (current) => {
      const next = await this.decide(current, signal, now);
      if (!gate) return { ...next, stored: true };
      // A status change is written whatever the rate: a failure is never dropped.
      if (!next.notice && !gate.allows(current, now)) return { state: current, stored: false };
      return { ...next, state: gate.counted(current, next.state, input.kind, now), stored: true };
    });
    if (!stored) return; // over the limit: acknowledged, not stored
    await this.history.appendPing(pingRecordOf(input, state, now), randomBytes(3).toString('hex'));
    if (notice) await this.publishQuietly(state, now);
  }

  /** The state machine's answer to the ping, held back if the job is inside a maintenance window. */
  private async decide(state: JobState, signal: Signal, now: number) {
    const next = transition(state, { kind: 'signal', signal });
    const maintenance = this.options.maintenance;
    const quiet =
      maintenance && isHeard(next.notice) ? await maintenance.quietFor(state.projectId, state.id, now) : undefined;
    return withMaintenance(state, next, quiet);
  }

  /** The flip is already safe in the outbox; if publishing fails now, the next sweep does it. */
  private async publishQuietly(state: JobState, now: number): Promise<void> {
    try {
      await this.outbox.publishPending(state, now);
    } catch (error) {
      this.logger.warn('publishing a notice failed; the checker will retry it', {
        jobId: state.id,
        error: (error as Error).name,
      });
    }
  }
}

function signalOf(input: PingInput, now: number): Signal {
  return {
    kind: input.kind,
    at: now,
    exitCode: input.exitCode,
    runId: input.runId,
    ...(input.reason ? { reason: input.reason } : {}),
  };
}

/** The ping as its history shows it; `state` is the job after the ping (its run duration). */
function pingRecordOf(input: PingInput, state: JobState, now: number): PingRecord {
  const { text, truncated } = truncateUtf8(input.body, MAX_PING_BODY_BYTES);
  return {
    jobId: input.jobId,
    kind: input.kind,
    at: now,
    exitCode: input.exitCode,
    runId: input.runId,
    durationMs: input.kind === 'success' || input.kind === 'fail' ? state.lastDurationMs : undefined,
    method: input.method,
    sourceIp: input.sourceIp,
    userAgent: input.userAgent.slice(0, MAX_USER_AGENT),
    body: text,
    bodyTruncated: truncated,
  };
}

export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  // Cutting a multi-byte character in half would leave a replacement character; step back to a boundary.
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
