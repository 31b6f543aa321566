import type { JobState } from '../domain/job';
import type { Transition } from '../domain/transitions';
import { NotFoundError, WriteConflictError } from '../errors';
import { backoffDelay, type BackoffPolicy } from './backoff';
import type { JobStore } from './ports/job-store';

/** Many clients pinging one job at once collide; enough attempts with jitter let every ping land. */
const WRITE_ATTEMPTS = 16;
/** Jittered, so that two writers that collided do not collide again in lockstep. */
const CONFLICT_BACKOFF: BackoffPolicy = { baseMs: 10, maxMs: 160, jitter: true };

/**
 * Read the state, decide, write only if nobody wrote in between; on a lost race, decide again on
 * the fresh state. This compare-and-set loop is how every writer (ping, API, checker) avoids
 * doubled flips without transactions. A caller that has just read the state passes it as `known`
 * to save the first read; if it is stale the conditional write says so and the loop reads afresh.
 */
export async function writeTransition<T extends Transition = Transition>(
  jobs: JobStore,
  jobId: string,
  /** Decides on one state; may read more first (a maintenance window). Returning `state` itself writes nothing. */
  decide: (state: JobState) => T | Promise<T>,
  accept: (state: JobState) => boolean = () => true,
  known?: JobState,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const state = attempt === 1 && known ? known : await jobs.getState(jobId);
    if (!state || !accept(state)) throw new NotFoundError('job');
    const transition = await decide(state);
    if (transition.state === state) return transition;
    try {
      await jobs.saveState(transition.state, state);
      return transition;
    } catch (error) {
      if (!(error instanceof WriteConflictError) || attempt >= WRITE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(CONFLICT_BACKOFF, attempt)));
    }
  }
}
