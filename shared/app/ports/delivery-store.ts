import type { DeliveryOutcome } from '../../domain/channel';
import type { Page } from './page';

/** Which delivery: one notice to one channel. */
export interface DeliveryKey {
  readonly projectId: string;
  readonly noticeId: string;
  readonly noticeAt: number;
  readonly channelId: string;
}

/** One (notice, channel) delivery as recorded: its claim, its outcome, and how it got there. */
export interface DeliveryRecord extends DeliveryKey {
  readonly jobId: string | null;
  readonly channelKind: string;
  readonly event: string;
  readonly outcome: DeliveryOutcome;
  /** A failure that may work later (the next delivery of the message claims it again). */
  readonly retryable: boolean;
  /** Sending attempts so far, over every round. */
  readonly attempts: number;
  readonly firstAt: number;
  /** When the outcome was last written. */
  readonly at: number;
  readonly detail?: string;
  readonly error?: string;
  readonly test: boolean;
}

export interface DeliveryFilter {
  readonly jobId?: string;
  readonly channelId?: string;
}

export type ClaimResult = { readonly claimed: true; readonly token: string } | { readonly claimed: false };

/** The (notice, channel) deliveries of a project. Implemented by shared/storage/delivery-repository.ts. */
export interface DeliveryStore {
  /** Claims a delivery for sending (see DeliveryRepository.claim for when a claim is taken over). */
  claim(
    key: DeliveryKey,
    details: { jobId: string | null; channelKind: string; event: string; test?: boolean },
    token: string,
    now: number,
    leaseMs: number,
    deadClaimsBefore?: number,
  ): Promise<ClaimResult>;
  /** Records how a claimed delivery ended, if the claim is still held; returns whether it was written. */
  finish(
    key: DeliveryKey,
    token: string,
    result: { outcome: 'sent' | 'failed'; retryable: boolean; attempts: number; detail?: string; error?: string },
    now: number,
  ): Promise<boolean>;
  recordTest(record: DeliveryRecord): Promise<void>;
  get(key: DeliveryKey): Promise<DeliveryRecord | undefined>;
  list(projectId: string, filter: DeliveryFilter, limit: number, cursor?: string): Promise<Page<DeliveryRecord>>;
}
