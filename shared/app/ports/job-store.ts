import type { JobProfile, JobState, StoredStatus } from '../../domain/job';
import type { Page } from './page';

/** A project's jobs counted per stored status, and per tag (tags in use only). */
export interface JobCounts {
  readonly statuses: Readonly<Record<StoredStatus, number>>;
  readonly tags: Readonly<Record<string, number>>;
}

export interface RecountOptions {
  /**
   * Waits until the writes under way have landed (the longest a writer takes): called after the
   * counters are read and again after the jobs are tallied. Without it the counts come out right
   * unless a write races the recount, and are checked again by the daily recount within minutes.
   */
  readonly settle?: () => Promise<void>;
}

/**
 * The store has no status index: a sandbox table made before it existed (dynalite cannot add an
 * index to a table). Status filters then read the whole project, as before the index.
 */
export class StatusIndexMissingError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the table has no status index', options);
    this.name = 'StatusIndexMissingError';
  }
}

/** A state write about to be made: the state to write and the state it is based on. */
export interface StateWrite {
  readonly state: Pick<JobState, 'id' | 'projectId' | 'status'>;
  readonly basedOn: Pick<JobState, 'status'>;
}

/**
 * Jobs as the use cases need them stored: the small hot state (what a ping reads and writes) and
 * the profile. Implemented by shared/storage/job-repository.ts.
 */
export interface JobStore {
  create(state: JobState, profile: JobProfile): Promise<void>;
  findIdByUniqueKey(projectId: string, uniqueKey: string): Promise<string | undefined>;
  /** Gives every job of the project its unique-key item once; true when they all have one. */
  indexUniqueKeys(projectId: string): Promise<boolean>;
  getState(jobId: string): Promise<JobState | undefined>;
  getProfile(projectId: string, jobId: string): Promise<JobProfile | undefined>;
  getStates(jobIds: readonly string[]): Promise<JobState[]>;
  /** Profiles of many jobs (any order); missing ones are left out. */
  getProfiles(jobs: readonly { readonly projectId: string; readonly jobId: string }[]): Promise<JobProfile[]>;
  /**
   * Writes `state` if the stored item is still the version `basedOn` was read at; else throws
   * WriteConflictError. Every write moves the version, so the stored item then is `basedOn`, and
   * its status is the one replaced: a change into a down status is counted before it is written, so
   * that the summary never hides a down job (job-repository.ts).
   */
  saveState(
    state: JobState,
    basedOn: Pick<JobState, 'version' | 'status'>,
    options?: { readonly countedAhead?: boolean },
  ): Promise<void>;
  /**
   * Counts the changes into a down status among `writes` before any of them is written, one grouped
   * write per counter item touched: a sweep about to flip many jobs pays a few count writes instead
   * of one group per batch of flips. Each write is then made with `saveState(..., { countedAhead:
   * true })`, which takes its count back if it loses its race; one never attempted is taken back
   * with `takeBackCountedAhead`.
   */
  countAhead(writes: readonly StateWrite[]): Promise<void>;
  takeBackCountedAhead(writes: readonly StateWrite[]): Promise<void>;
  /** The state with the publish lease taken until `until`, or undefined when someone else holds it. */
  acquirePublishLease(state: JobState, until: number, now: number): Promise<JobState | undefined>;
  releasePublishLease(jobId: string): Promise<void>;
  removeNotice(state: JobState, noticeId: string): Promise<{ state: JobState; settled: boolean }>;
  recordPublishFailure(jobId: string, noticeId: string): Promise<{ failures: number; state: JobState }>;
  clearOutboxMarker(state: JobState): Promise<void>;
  saveProfile(profile: JobProfile): Promise<void>;
  listProfiles(projectId: string, limit: number, cursor?: string): Promise<Page<JobProfile>>;
  /** The cursor that continues a profile listing just after this job. */
  profileCursorAfter(projectId: string, jobId: string): string | null;
  /**
   * Jobs whose wake-up time has come, and jobs indexed by a phase the clock passed after
   * `phasesAfter` (an early bound: the item is the truth; shared/domain/wake-phase.ts).
   */
  dueJobIds(now: number, phasesAfter?: number): Promise<string[]>;
  /** Jobs with a notice written before `writtenBefore` still waiting in their outbox. */
  outboxJobIds(writtenBefore: number): Promise<string[]>;
  /** The earliest moving wake-up time, or the first instant after `phasesAfter` with a phase key. */
  earliestWake(phasesAfter: number): Promise<number | undefined>;
  /** Up to when the checker has visited every phase key (its last complete sweep), if ever. */
  lastPhaseVisit(): Promise<number | undefined>;
  savePhaseVisit(upTo: number): Promise<void>;
  earliestOutbox(): Promise<number | undefined>;
  delete(projectId: string, jobId: string): Promise<void>;
  /** The job id a listing cursor continues after (undefined: from the start); a foreign cursor throws. */
  jobIdAfter(projectId: string, cursor: string | undefined): string | undefined;
  /**
   * Ids of the project's jobs stored in any of `statuses`, after `afterId`, in the order of
   * `listProfiles` (job id), from the status index: it reads only jobs in those statuses.
   * Throws StatusIndexMissingError on a table without the index.
   */
  jobIdsInStatuses(projectId: string, statuses: readonly StoredStatus[], afterId?: string): AsyncIterable<string>;
  /**
   * The project's counts, kept with every write; undefined until the first recount made them.
   * Given `now`, the read also takes the due step of the counts' daily recount, if any: a bounded
   * repair of drift that reads the status index, never every job (shared/storage/count-upkeep.ts).
   */
  counts(projectId: string, now?: number): Promise<JobCounts | undefined>;
  /** Counts every job of the project again and replaces the counts (repairs drift; reads every job). */
  recount(projectId: string, now: number, options?: RecountOptions): Promise<JobCounts>;
}
