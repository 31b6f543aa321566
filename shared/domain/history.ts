import type { Notice, SignalKind } from './job';

/** One received ping, as shown in a job's history. */
export interface PingRecord {
  readonly jobId: string;
  readonly kind: SignalKind;
  readonly at: number;
  readonly exitCode?: number;
  readonly durationMs?: number;
  readonly runId?: string;
  readonly method: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly body: string;
  readonly bodyTruncated: boolean;
}

/** A recorded status change. */
export type FlipRecord = Pick<Notice, 'id' | 'jobId' | 'from' | 'to' | 'at' | 'reason' | 'heldBy'>;
