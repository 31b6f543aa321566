import type { FlipRecord, PingRecord } from '../../domain/history';
import type { Page } from './page';

/** The append-only history of a job, newest first. Implemented by shared/storage/history-repository.ts. */
export interface HistoryStore {
  appendPing(ping: PingRecord, uniqueSuffix: string): Promise<void>;
  recordFlip(flip: FlipRecord): Promise<void>;
  listPings(jobId: string, limit: number, cursor?: string): Promise<Page<PingRecord>>;
  listFlips(jobId: string, limit: number, cursor?: string): Promise<Page<FlipRecord>>;
}
