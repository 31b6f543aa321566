import { ForbiddenError } from '../errors';
import type { PingKeyStore } from './ports/ping-key-store';
import { ProjectFullError, type JobSlotStore } from './ports/job-slot-store';
import type { ProjectStore } from './ports/project-store';
import type { JobLedger } from './jobs-service';
import { slugify } from './slugs';

/**
 * The per-project bookkeeping of jobs: a count on the project item enforces the job limit (one
 * conditional write per created or deleted job, none per ping), and a slug item per job lets a
 * slug ping find its job with one GetItem.
 */
export class ProjectLedger implements JobLedger {
  constructor(
    private readonly stores: {
      readonly slots: JobSlotStore;
      readonly projects: ProjectStore;
      readonly pingKeys: PingKeyStore;
    },
  ) {}

  async reserve(projectId: string, limit: number): Promise<void> {
    try {
      await this.stores.slots.reserveJobSlot(projectId, limit);
    } catch (error) {
      if (error instanceof ProjectFullError) {
        throw new ForbiddenError(`this project already has ${limit} jobs, the most it may have`);
      }
      throw error;
    }
  }

  release(projectId: string): Promise<void> {
    return this.stores.slots.releaseJobSlot(projectId);
  }

  async renamed(projectId: string, jobId: string, before: string | undefined, after: string | undefined) {
    const previous = before === undefined ? undefined : slugify(before);
    const next = after === undefined ? undefined : slugify(after);
    if (previous === next) return;
    const project = await this.stores.projects.getProject(projectId);
    if (!project?.pingKey) return;
    if (previous) await this.stores.pingKeys.releaseSlug(project.pingKey, previous, jobId);
    if (next) await this.stores.pingKeys.claimSlug(project.pingKey, next, { projectId, jobId });
  }
}
