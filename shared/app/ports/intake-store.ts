/** The outage guard's item: which job is the canary, and the outage alerted on (if one is going on). */
export interface IntakeGuardRecord {
  readonly canaryJobId?: string;
  readonly outageSince?: number;
  readonly outageReason?: string;
}

/** Ping counts per minute and the outage guard's item (shared/storage/intake-repository.ts). */
export interface IntakeStore {
  /** Adds to a minute's count (atomically: many processes count into one minute). */
  addPings(minuteStart: number, count: number): Promise<void>;
  /** Pings per minute from `firstMinute` to `lastMinute` (both minute starts), zero where none came. */
  pingsPerMinute(firstMinute: number, lastMinute: number): Promise<number[]>;
  getGuard(): Promise<IntakeGuardRecord>;
  /** Names the canary job once; the first writer wins and everyone uses its job. */
  claimCanary(jobId: string): Promise<string>;
  /** Marks an outage as begun; true for the one caller that did (it sends the operator alert). */
  beginOutage(since: number, reason: string): Promise<boolean>;
  /** Marks the outage as over; true for the one caller that did. */
  endOutage(): Promise<boolean>;
}
