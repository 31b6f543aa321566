import type { Project } from '../../domain/project';

/** Projects. Implemented by shared/storage/project-repository.ts. */
export interface ProjectStore {
  /** Creates the project unless it exists; false when it did. */
  putProject(project: Project): Promise<boolean>;
  getProject(projectId: string): Promise<Project | undefined>;
  /** Every project: for the operator's command-line tool, never for a request. */
  listProjects(): Promise<Project[]>;
  updateProject(projectId: string, change: { name?: string; createOnPing?: boolean }): Promise<void>;
}
