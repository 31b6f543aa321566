import type { Quiet } from '../domain/hold';
import { quietUntil, type MaintenanceWindow } from '../domain/maintenance';
import type { JobStore } from './ports/job-store';
import type { MaintenanceStore } from './ports/maintenance-store';

/**
 * How long a process trusts the windows it read for a project. A window saved through another
 * process (the api Lambda, seen by the checker or the ping Lambda) takes effect within this
 * long; one saved through this process (the sandbox) at once.
 */
export const WINDOW_CACHE_MS = 15_000;
const CACHED_PROJECTS = 1_000;

/**
 * Which maintenance window a job is inside: the lookup the ping path and the checker make when a
 * notice would alert. Apart from the window use cases (./maintenance-service.ts), whose input
 * schemas the ping and checker functions need not load at cold start.
 */
export class MaintenanceCalendar {
  /** The read itself is kept, so a sweep asking for many jobs of one project at once reads once. */
  private readonly cache = new Map<string, { windows: Promise<MaintenanceWindow[]>; readAt: number }>();

  constructor(
    private readonly windows: Pick<MaintenanceStore, 'list'>,
    private readonly jobs: Pick<JobStore, 'getProfile'>,
  ) {}

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

  /** A project's windows changed through this process: the next lookup reads them again. */
  forget(projectId: string): void {
    this.cache.delete(projectId);
  }
}
