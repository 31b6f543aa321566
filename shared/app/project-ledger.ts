import { ForbiddenError } from '../errors';
import { ProjectFullError, type AccessRepository } from '../storage/access-repository';
import type { JobLedger } from './jobs-service';
import { slugify } from './slugs';

/**
 * The per-project bookkeeping of jobs: a count on the project item enforces the job limit (one
 * conditional write per created or deleted job, none per ping), and a slug item per job lets a
 * slug ping find its job with one GetItem.
 */
export class ProjectLedger implements JobLedger {
  constructor(private readonly access: AccessRepository) {}

  async reserve(projectId: string, limit: number): Promise<void> {
    try {
      await this.access.reserveJobSlot(projectId, limit);
    } catch (error) {
      if (error instanceof ProjectFullError) {
        throw new ForbiddenError(`this project already has ${limit} jobs, the most it may have`);
      }
      throw error;
    }
  }

  release(projectId: string): Promise<void> {
    return this.access.releaseJobSlot(projectId);
  }

  async renamed(projectId: string, jobId: string, before: string | undefined, after: string | undefined) {
    const previous = before === undefined ? undefined : slugify(before);
    const next = after === undefined ? undefined : slugify(after);
    if (previous === next) return;
    const project = await this.access.getProject(projectId);
    if (!project?.pingKey) return;
    if (previous) await this.access.releaseSlug(project.pingKey, previous, jobId);
    if (next) await this.access.claimSlug(project.pingKey, next, { projectId, jobId });
  }
}
