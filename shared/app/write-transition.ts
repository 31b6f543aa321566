import type { JobState } from '../domain/job';
import type { Transition } from '../domain/transitions';
import { NotFoundError, WriteConflict } from '../errors';
import type { JobRepository } from '../storage/job-repository';

/** Many clients pinging one job at once collide; enough attempts with jitter let every ping land. */
const WRITE_ATTEMPTS = 16;

/**
 * Read the state, decide, write only if nobody wrote in between; on a lost race, decide again on
 * the fresh state. This compare-and-set loop is how every writer (ping, API, checker) avoids
 * doubled flips without transactions. A caller that has just read the state passes it as `known`
 * to save the first read; if it is stale the conditional write says so and the loop reads afresh.
 */
export async function writeTransition(
  jobs: JobRepository,
  jobId: string,
  decide: (state: JobState) => Transition | Promise<Transition>,
  accept: (state: JobState) => boolean = () => true,
  known?: JobState,
): Promise<Transition> {
  for (let attempt = 1; ; attempt += 1) {
    const state = attempt === 1 && known ? known : await jobs.getState(jobId);
    if (!state || !accept(state)) throw new NotFoundError('job');
    const transition = await decide(state);
    if (transition.state === state) return transition;
    try {
      await jobs.saveState(transition.state, state.version);
      return transition;
    } catch (error) {
      if (!(error instanceof WriteConflict) || attempt >= WRITE_ATTEMPTS) throw error;
      // Jitter, so that two writers that collided do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** Math.min(attempt, 5)));
    }
  }
}
