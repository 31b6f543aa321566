/** The project's job count could not grow: it holds `limit` jobs already. */
export class ProjectFullError extends Error {
  constructor(readonly limit: number) {
    super(`the project already has ${limit} jobs`);
    this.name = 'ProjectFullError';
  }
}

/** A project's job count against its limit. Implemented by shared/storage/job-slot-repository.ts. */
export interface JobSlotStore {
  /** Counts one more job, or throws ProjectFullError. */
  reserveJobSlot(projectId: string, limit: number): Promise<void>;
  /** Gives a slot back (never below zero). */
  releaseJobSlot(projectId: string): Promise<void>;
}
