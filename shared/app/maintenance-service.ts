import { randomUUID } from 'node:crypto';
import type { MaintenanceWindow } from '../domain/maintenance';
import { NotFoundError, ValidationError } from '../errors';
import type { JobStore } from './ports/job-store';
import type { MaintenanceStore } from './ports/maintenance-store';
import { requireWrite, type Principal } from './access';
import type { MaintenanceCalendar } from './maintenance-calendar';
import {
  MAINTENANCE_LIMITS,
  toPatchedWindowDraft,
  toWindowDraft,
  type MaintenanceCreateBody,
  type MaintenancePatchBody,
  type WindowDraft,
} from './maintenance-input';

/**
 * Maintenance windows: the `/api/maintenance` use cases. The lookup the state machine's callers
 * make is the calendar's (./maintenance-calendar.ts), told here of every change.
 */
export class MaintenanceService {
  constructor(
    private readonly windows: MaintenanceStore,
    private readonly jobs: Pick<JobStore, 'getProfile'>,
    private readonly calendar: Pick<MaintenanceCalendar, 'forget'>,
  ) {}

  async list(principal: Principal): Promise<MaintenanceWindow[]> {
    const windows = await this.windows.list(principal.projectId);
    return windows.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async get(principal: Principal, windowId: string): Promise<MaintenanceWindow> {
    const window = await this.windows.get(principal.projectId, windowId);
    if (!window) throw new NotFoundError('maintenance window');
    return window;
  }

  /** `input`: a body checked by `maintenanceCreateSchema`. */
  async create(principal: Principal, input: MaintenanceCreateBody, now: number): Promise<MaintenanceWindow> {
    requireWrite(principal);
    const draft = toWindowDraft(input, now);
    await this.refuseUnknownJob(principal, draft);
    const existing = await this.windows.list(principal.projectId);
    if (existing.length >= MAINTENANCE_LIMITS.windowsPerProject) {
      throw ValidationError.of(
        'body',
        `a project can have at most ${MAINTENANCE_LIMITS.windowsPerProject} maintenance windows`,
      );
    }
    const window: MaintenanceWindow = {
      id: randomUUID(),
      projectId: principal.projectId,
      ...draft,
      createdAt: now,
      updatedAt: now,
    };
    await this.windows.create(window);
    this.calendar.forget(principal.projectId);
    return window;
  }

  /** `patch`: a body checked by `maintenancePatchSchema`, applied to the window as it is. */
  async update(
    principal: Principal,
    windowId: string,
    patch: MaintenancePatchBody,
    now: number,
  ): Promise<MaintenanceWindow> {
    requireWrite(principal);
    const current = await this.get(principal, windowId);
    const draft = toPatchedWindowDraft(current, patch, now);
    await this.refuseUnknownJob(principal, draft);
    const next: MaintenanceWindow = { ...current, ...draft, updatedAt: now };
    if (!(await this.windows.replace(next))) throw new NotFoundError('maintenance window');
    this.calendar.forget(principal.projectId);
    return next;
  }

  async remove(principal: Principal, windowId: string): Promise<void> {
    requireWrite(principal);
    await this.get(principal, windowId);
    await this.windows.delete(principal.projectId, windowId);
    this.calendar.forget(principal.projectId);
  }

  private async refuseUnknownJob(principal: Principal, draft: WindowDraft): Promise<void> {
    if (draft.scope.kind !== 'job') return;
    if (!(await this.jobs.getProfile(principal.projectId, draft.scope.jobId))) {
      throw ValidationError.of('job_id', 'must be the id of a job of this project');
    }
  }
}
