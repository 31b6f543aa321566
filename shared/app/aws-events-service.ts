import { createHash } from 'node:crypto';
import { decodeAwsEvent, signalOf, type EventEnvelope } from '../domain/aws-events';
import type { SignalKind } from '../domain/job';
import { NotFoundError } from '../errors';
import type { AwsSourceStore } from './ports/aws-source-store';
import type { Logger } from './logger';
import type { PingService } from './ping-service';

export const AWS_EVENT_OUTCOMES = ['matched', 'unmatched', 'ignored', 'unsupported', 'malformed'] as const;
export type AwsEventOutcome = (typeof AWS_EVENT_OUTCOMES)[number];

export interface AwsEventResult {
  readonly outcome: AwsEventOutcome;
  readonly jobId?: string;
  readonly signal?: Exclude<SignalKind, 'log'>;
  /** Read units the lookup consumed, when the store reports them (benchmarks). */
  readonly readUnits?: number;
}

export interface AwsEventScope {
  /** Only this project's jobs may be pinged (the API: a key acts for its own project only). */
  readonly projectId?: string;
}

/**
 * The run id a start and its finish share: a digest of the run's ARN. An ARN is up to ~200
 * characters and the open runs live in the job's small hot item; 22 base64url characters (132
 * bits) keep it small and fit the `rid` rule. The ping body keeps the ARN itself.
 */
export function runIdOf(runArn: string): string {
  return createHash('sha256').update(runArn).digest('base64url').slice(0, 22);
}

/**
 * AWS state-change events as pings: decode the envelope (pure), find the one job that claims the
 * resource (a read by key), and hand the signal to the same ping service a curl reaches. An event
 * nobody watches is dropped after that one read and counted in a structured log line that
 * CloudWatch reads as the metric `CronSentry/AwsEventsUnmatched` (embedded metric format).
 */
export class AwsEventsService {
  constructor(
    private readonly claims: Pick<AwsSourceStore, 'find'>,
    private readonly pings: PingService,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
  ) {}

  async handle(envelope: EventEnvelope, now: number, scope: AwsEventScope = {}): Promise<AwsEventResult> {
    const decoded = decodeAwsEvent(envelope);
    if (!decoded.ok) {
      this.logger.warn('an AWS event CronSentry cannot read was dropped', {
        problem: decoded.problem,
        source: envelope.source,
        detailType: envelope['detail-type'],
      });
      return { outcome: decoded.problem };
    }
    const { run } = decoded;
    // In-between states (PENDING, RUNNABLE…) say nothing about a run: no read at all.
    if (run.phase === 'ignore') return { outcome: 'ignored' };
    const { claim, readUnits } = await this.claims.find(run.matchKeys);
    if (!claim || (scope.projectId !== undefined && claim.projectId !== scope.projectId)) {
      this.countUnmatched(run.service, now);
      return { outcome: 'unmatched', readUnits };
    }
    const signal = signalOf(run, claim.source)!;
    try {
      await this.pings.record(
        {
          jobId: claim.jobId,
          kind: signal.kind,
          exitCode: signal.exitCode,
          runId: runIdOf(run.runArn),
          reason: signal.reason,
          method: 'EVENT',
          sourceIp: '',
          userAgent: `EventBridge ${envelope.source}`,
          body: signal.body,
        },
        now,
      );
    } catch (error) {
      // The job went away after the claim was read (its delete releases the claim next).
      if (!(error instanceof NotFoundError)) throw error;
      this.countUnmatched(run.service, now);
      return { outcome: 'unmatched', readUnits };
    }
    return { outcome: 'matched', jobId: claim.jobId, signal: signal.kind, readUnits };
  }

  private countUnmatched(service: string, now: number): void {
    this.logger.info('an AWS event matched no job', {
      service,
      AwsEventsUnmatched: 1,
      _aws: {
        Timestamp: now,
        CloudWatchMetrics: [
          { Namespace: 'CronSentry', Dimensions: [[]], Metrics: [{ Name: 'AwsEventsUnmatched', Unit: 'Count' }] },
        ],
      },
    });
  }
}
