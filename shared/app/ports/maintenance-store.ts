import type { MaintenanceWindow } from '../../domain/maintenance';

/** Where a project's maintenance windows are kept (shared/storage/maintenance-repository.ts). */
export interface MaintenanceStore {
  create(window: MaintenanceWindow): Promise<void>;
  get(projectId: string, windowId: string): Promise<MaintenanceWindow | undefined>;
  list(projectId: string): Promise<MaintenanceWindow[]>;
  /** Replaces a window that still exists; false when it was deleted meanwhile. */
  replace(window: MaintenanceWindow): Promise<boolean>;
  delete(projectId: string, windowId: string): Promise<void>;
}
