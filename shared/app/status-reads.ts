import { STATUSES, STORED_STATUSES, type Job, type JobState, type Status, type StoredStatus } from '../domain/job';
import { statusAt } from '../domain/transitions';
import type { JobStore } from './ports/job-store';
import type { Page } from './ports/page';
import { mergeAscending } from './sorted-merge';

/**
 * Above this many jobs waiting for the checker (all projects), reads skip them: it is a mass outage
 * the checker is flipping right now, and reading each of them on every poll would cost more than
 * the few seconds of lag they correct.
 */
export const BACKLOG_READ_LIMIT = 500;

export interface JobSummary {
  readonly counts: Record<Status, number>;
  readonly total: number;
  readonly tags: string[];
}

/**
 * The project's counts per status and its tags, at a cost independent of the number of jobs: the
 * stored counts (kept with every write; made by one recount the first time), corrected for the
 * jobs the checker has not judged yet, which `statusAt` already shows as missing, failing or
 * overrunning. `late` is never stored and no index can find late jobs without a write per ping
 * (a healthy job turns late by the clock alone), so the summary counts a late job as `healthy`.
 */
export async function summarize(jobs: JobStore, projectId: string, now: number): Promise<JobSummary> {
  // The backlog first, then the counts: a flip the backlog no longer shows is in the counts by then
  // (a change into a down status is counted before it is stored), and one that lands between the
  // two reads is at worst counted twice for one refresh. The other order (or both at once) could
  // miss it in both, and hide a missing job.
  const backlog = await overdueBacklog(jobs, projectId, now);
  const kept = await jobs.counts(projectId, now);
  const stored = kept ?? (await jobs.recount(projectId, now));
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
  for (const status of STORED_STATUSES) counts[status] = stored.statuses[status];
  for (const state of backlog) {
    const shown = statusAt(state, now);
    if (shown === 'late' || shown === state.status) continue;
    counts[state.status] -= 1;
    counts[shown] += 1;
  }
  const total = STORED_STATUSES.reduce((sum, status) => sum + stored.statuses[status], 0);
  return { counts, total, tags: Object.keys(stored.tags).sort() };
}

/**
 * A page of the project's jobs that show `status` at `now`, read through the status index: the
 * stored status that can show it (`late`: `healthy`), plus the checker's backlog (a job past its
 * deadline shows missing, failing or overrunning before the checker has stored it). Jobs come in
 * `listProfiles` order and the cursor has its shape, so a filtered and an unfiltered listing page alike.
 */
export async function listInStatus(
  jobs: JobStore,
  projectId: string,
  status: Status,
  matches: (job: Job) => boolean,
  limit: number,
  now: number,
  cursor?: string,
): Promise<Page<Job>> {
  const afterId = jobs.jobIdAfter(projectId, cursor);
  const backlog = (await overdueBacklog(jobs, projectId, now))
    .map((state) => state.id)
    .filter((id) => afterId === undefined || id > afterId)
    .sort();
  const candidates = mergeAscending([
    jobs.jobIdsInStatuses(projectId, [storedSourceOf(status)], afterId)[Symbol.asyncIterator](),
    (async function* () {
      yield* backlog;
    })(),
  ]);
  const found: Job[] = [];
  let chunk: string[] = [];
  let more = false;
  const take = async () => {
    const [states, profiles] = await Promise.all([
      jobs.getStates(chunk),
      jobs.getProfiles(chunk.map((jobId) => ({ projectId, jobId }))),
    ]);
    const stateById = new Map(states.map((state) => [state.id, state]));
    const profileById = new Map(profiles.map((profile) => [profile.id, profile]));
    for (const id of chunk) {
      if (found.length === limit) {
        more = true;
        break;
      }
      const state = stateById.get(id);
      const profile = profileById.get(id);
      if (!state || !profile || state.projectId !== projectId) continue;
      const job = { state, profile };
      if (statusAt(state, now) === status && matches(job)) found.push(job);
    }
    chunk = [];
  };
  for await (const id of candidates) {
    if (found.length === limit) {
      more = true;
      break;
    }
    chunk.push(id);
    if (chunk.length === limit) await take();
  }
  if (chunk.length > 0) await take();
  const last = found[found.length - 1];
  return { items: found, nextCursor: more && last ? jobs.profileCursorAfter(projectId, last.state.id) : null };
}

/** The stored status whose jobs can show `status` (besides the checker's backlog). */
function storedSourceOf(status: Status): StoredStatus {
  return status === 'late' ? 'healthy' : status;
}

/** This project's jobs whose wake-up time has passed (the checker's next work), unless there are too many. */
async function overdueBacklog(jobs: JobStore, projectId: string, now: number): Promise<JobState[]> {
  const ids = await jobs.dueJobIds(now);
  if (ids.length === 0 || ids.length > BACKLOG_READ_LIMIT) return [];
  return (await jobs.getStates(ids)).filter((state) => state.projectId === projectId);
}
