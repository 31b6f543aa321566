import type { Core } from './core';
import { channelDirectoryOf } from '../app/channel-directory';
import { JobsService } from '../app/jobs-service';
import { ProjectLedger } from '../app/project-ledger';
import { autoCreatedJob, type CreateJobForSlug, type RemoveJob } from '../app/slugs';

/** The job use cases (create, change, list, pause, delete) over the core's stores. */
export function createJobs(core: Core) {
  const { settings } = core;
  return new JobsService(core.jobRepository, core.history, core.outbox, channelDirectoryOf(core.channels), {
    minimumMs: settings.CRONSENTRY_MIN_SECONDS * 1000,
    maxJobsPerProject: settings.MAX_JOBS_PER_PROJECT,
    ledger: new ProjectLedger({
      slots: core.slots,
      projects: core.access.projects,
      pingKeys: core.access.pingKeys,
    }),
    awsSources: core.awsSources,
  });
}

/** What a slug ping with `?create=1` does to the jobs: create one with Healthchecks' defaults, or take it back. */
export interface SlugJobs {
  readonly create: CreateJobForSlug;
  readonly remove: RemoveJob;
}

export function slugJobsOf(jobs: JobsService): SlugJobs {
  return {
    create: async (principal, slug, now) => (await jobs.create(principal, autoCreatedJob(slug), now)).state.id,
    remove: (principal, jobId) => jobs.remove(principal, jobId),
  };
}
