import { randomBytes } from 'node:crypto';
import type { JobState, Signal, SignalKind } from '../domain/job';
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
    if (options.maxPingsPerMinute) this.gate = new PingRateGate(history, options.maxPingsPerMinute);
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
   * state it read, it decides whether the ping may be stored (the rate gate), applies the signal,
   * and writes once; a lost race decides again on the fresh state.
   */
  async record(input: PingInput, now: number): Promise<void> {
    const signal = signalOf(input, now);
    const { state, notice, stored } = await writeTransition(this.jobs, input.jobId, async (current) => {
      const next = transition(current, { kind: 'signal', signal });
      // A status change is written whatever the rate: a failure is never dropped.
      if (next.notice || (await this.withinRate(input, current, now))) return { ...next, stored: true };
      return { state: current, stored: false };
    });
    if (!stored) return; // over the limit: acknowledged, not stored
    await this.history.appendPing(pingRecordOf(input, state, now), randomBytes(3).toString('hex'));
    if (notice) await this.publishQuietly(state, now);
  }

  private async withinRate(input: PingInput, state: JobState, now: number): Promise<boolean> {
    return !this.gate || this.gate.allows(input.jobId, input.kind, state.lastPingAt, now);
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
