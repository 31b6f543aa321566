import type { SignalKind } from '../job';
import type { AwsSource } from './source';

/** An EventBridge envelope as AWS delivers it to a rule's target (the fields CronSentry reads). */
export interface EventEnvelope {
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown>;
  readonly resources?: readonly string[];
  readonly time?: string;
}

/** A container's end as an ECS event reports it. */
export interface ContainerExit {
  readonly name: string;
  readonly exitCode?: number;
  readonly reason?: string;
}

/**
 * What one state-change event says about one run: the run's ARN (which pairs its start with its
 * end), whether it started, finished or neither, and the keys a job watching it may be found under.
 */
export interface AwsRun {
  readonly service: Exclude<AwsSource['kind'], 'tag'>;
  readonly runArn: string;
  /** AWS's own word for the state, e.g. `STOPPED`, `TIMED_OUT`. */
  readonly state: string;
  /** `ignore`: a state in between (PENDING, RUNNABLE…) that says nothing about the run. */
  readonly phase: 'start' | 'finish' | 'ignore';
  /** Keys a job watching this run may be found under, the most specific first. */
  readonly matchKeys: readonly string[];
  /** For `finish`: decided by the event alone, or by the job's source (ECS essential containers). */
  readonly judge: (source: AwsSource | undefined) => Judgement;
  /** Lines for the ping body: ARN, reason, exit codes. */
  readonly details: readonly string[];
}

export interface Judgement {
  readonly succeeded: boolean;
  readonly exitCode?: number;
  /** Why it failed, short (it goes into the flip and the alert). */
  readonly reason?: string;
}

/** What the ping service is told: the same signal a curl would send, plus why. */
export interface AwsSignal {
  readonly kind: Exclude<SignalKind, 'log'>;
  readonly exitCode?: number;
  readonly reason?: string;
  readonly body: string;
}

/** A flip reason stays short: it lives in the job's hot item until delivered. */
export const MAX_REASON_CHARS = 200;

export function clip(text: string, max = MAX_REASON_CHARS): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length <= max ? single : `${single.slice(0, max - 1)}…`;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}
