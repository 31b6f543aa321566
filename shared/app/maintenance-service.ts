import { randomUUID } from 'node:crypto';
import type { Quiet } from '../domain/hold';
import { quietUntil, type MaintenanceWindow } from '../domain/maintenance';
import { NotFoundError, ValidationError } from '../errors';
import type { JobStore } from './ports/job-store';
import type { MaintenanceStore } from './ports/maintenance-store';
import { requireWrite, type Principal } from './access';
import {
  MAINTENANCE_LIMITS,
  toPatchedWindowDraft,
  toWindowDraft,
  type MaintenanceCreateBody,
  type MaintenancePatchBody,
  type WindowDraft,
} from './maintenance-input';

/**
 * How long a process trusts the windows it read for a project. A window saved through another
 * process (the api Lambda, seen by the checker or the ping Lambda) takes effect within this
 * long; one saved through this process (the sandbox) at once.
 */
export const WINDOW_CACHE_MS = 15_000;
const CACHED_PROJECTS = 1_000;

/** Maintenance windows: the `/api/maintenance` use cases, and the lookup the state machine's callers make. */
export class MaintenanceService {
  /** The read itself is kept, so a sweep asking for many jobs of one project at once reads once. */
  private readonly cache = new Map<string, { windows: Promise<MaintenanceWindow[]>; readAt: number }>();

  constructor(
    private readonly windows: MaintenanceStore,
    private readonly jobs: Pick<JobStore, 'getProfile'>,
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
    this.cache.delete(principal.projectId);
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
    this.cache.delete(principal.projectId);
    return next;
  }

  async remove(principal: Principal, windowId: string): Promise<void> {
    requireWrite(principal);
    await this.get(principal, windowId);
    await this.windows.delete(principal.projectId, windowId);
    this.cache.delete(principal.projectId);
  }

  /**
   * The window a job is inside at `now`, if any. Asked only when a notice would alert (rarely), so
   * the hot path pays nothing; the job's tags are read only when a tag window is active.
   */
  async quietFor(projectId: string, jobId: string, now: number): Promise<Quiet | undefined> {
    const windows = await this.windowsOf(projectId, now);
    if (windows.length === 0) return undefined;
    const needsTags = windows.some((window) => window.scope.kind === 'tag');
    const tags = needsTags ? ((await this.jobs.getProfile(projectId, jobId))?.tags ?? []) : [];
    const found = quietUntil(windows, { jobId, tags }, now);
    return found && { until: found.until, name: found.window.name };
  }

  private async windowsOf(projectId: string, now: number): Promise<MaintenanceWindow[]> {
    const cached = this.cache.get(projectId);
    if (cached && now - cached.readAt < WINDOW_CACHE_MS && cached.readAt <= now) return cached.windows;
    const windows = this.windows.list(projectId);
    if (this.cache.size >= CACHED_PROJECTS) this.cache.delete(this.cache.keys().next().value!);
    const entry = { windows, readAt: now };
    this.cache.set(projectId, entry);
    // A failed read is not kept: the next caller reads again.
    windows.catch(() => this.cache.get(projectId) === entry && this.cache.delete(projectId));
    return windows;
  }

  private async refuseUnknownJob(principal: Principal, draft: WindowDraft): Promise<void> {
    if (draft.scope.kind !== 'job') return;
    if (!(await this.jobs.getProfile(principal.projectId, draft.scope.jobId))) {
      throw ValidationError.of('job_id', 'must be the id of a job of this project');
    }
  }
}
