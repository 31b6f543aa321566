import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import type { ApiKeyStore } from './ports/api-key-store';
import type { JobStore } from './ports/job-store';
import type { PingKeyStore } from './ports/ping-key-store';
import type { ProjectStore } from './ports/project-store';
import type { Project } from '../domain/project';
import type { ApiKeyRecord, Role } from '../domain/api-key';
import { generatePingKey, slugify } from './slugs';
import { pagesOf } from './pages';

/** Who is calling: the project a key opens and what it may do there. */
export interface Principal {
  readonly projectId: string;
  readonly keyId: string;
  readonly role: Role;
}

/** A recognisable prefix lets secret scanners find leaked keys. */
export const API_KEY_PREFIX = 'csk_';
const KEY_PATTERN = /^csk_[A-Za-z0-9_-]{43}$/;
/** lastUsedAt is advisory: writing it on every call would double the cost of reads. */
const TOUCH_EVERY_MS = 60_000;

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function generateKeySecret(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function isWellFormedKey(secret: string): boolean {
  return KEY_PATTERN.test(secret);
}

export class AccessService {
  constructor(
    private readonly stores: {
      readonly projects: ProjectStore;
      readonly pingKeys: PingKeyStore;
      readonly apiKeys: ApiKeyStore;
    },
    /** Lets a project that gets its first ping key give its existing jobs their slugs. */
    private readonly jobs?: JobStore,
  ) {}

  /** The project with this id, created (with a ping key) unless it exists. */
  async ensureProject(id: string, name: string, now: number): Promise<Project> {
    await this.stores.projects.putProject({
      id,
      name,
      createdAt: now,
      pingKey: generatePingKey(),
      createOnPing: false,
    });
    const project = await this.stores.projects.getProject(id);
    if (!project) throw new Error(`project ${id} could not be created`);
    if (!project.pingKey) await this.replacePingKey(project);
    return (await this.stores.projects.getProject(id)) ?? project;
  }

  async createProject(name: string, now: number): Promise<Project> {
    const project: Project = {
      id: randomUUID(),
      name,
      createdAt: now,
      pingKey: generatePingKey(),
      createOnPing: false,
    };
    await this.stores.projects.putProject(project);
    return project;
  }

  listProjects(): Promise<Project[]> {
    return this.stores.projects.listProjects();
  }

  /** A project by id, for the operator's tool (which IAM, not a key, lets in). */
  findProject(projectId: string): Promise<Project | undefined> {
    return this.stores.projects.getProject(projectId);
  }

  async updateProject(principal: Principal, change: { name?: string; createOnPing?: boolean }): Promise<Project> {
    requireWrite(principal);
    await this.stores.projects.updateProject(principal.projectId, change);
    const project = await this.stores.projects.getProject(principal.projectId);
    if (!project) throw new NotFoundError('project');
    return project;
  }

  /** A new ping key: slug ping URLs with the old one stop working, the slugs themselves stay. */
  async rotatePingKey(principal: Principal): Promise<Project> {
    requireWrite(principal);
    const project = await this.stores.projects.getProject(principal.projectId);
    if (!project) throw new NotFoundError('project');
    await this.replacePingKey(project);
    return (await this.stores.projects.getProject(principal.projectId)) ?? project;
  }

  private async replacePingKey(project: Project): Promise<void> {
    const next = generatePingKey();
    if (!(await this.stores.pingKeys.replacePingKey(project.id, project.pingKey, next))) {
      throw new ConflictError('the ping key was changed at the same time; read the project again');
    }
    if (project.pingKey || !this.jobs) return;
    // The project's first ping key: its existing jobs get their slugs now.
    const jobs = this.jobs;
    for await (const page of pagesOf((cursor) => jobs.listProfiles(project.id, 200, cursor))) {
      for (const profile of page.items) {
        const slug = slugify(profile.name);
        if (slug) await this.stores.pingKeys.claimSlug(next, slug, { projectId: project.id, jobId: profile.id });
      }
    }
  }

  /** Returns the stored record and the secret, which is never stored and shown only this once. */
  async createKey(
    input: { projectId: string; role: Role; name: string; secret?: string },
    now: number,
  ): Promise<{ record: ApiKeyRecord; secret: string }> {
    const secret = input.secret ?? generateKeySecret();
    if (!isWellFormedKey(secret)) throw new Error('API keys must look like csk_ followed by 43 base64url characters');
    const record: ApiKeyRecord = {
      id: randomUUID(),
      projectId: input.projectId,
      name: input.name,
      role: input.role,
      prefix: secret.slice(0, API_KEY_PREFIX.length + 6),
      hash: hashKey(secret),
      createdAt: now,
    };
    await this.stores.apiKeys.putKey(record);
    return { record, secret };
  }

  async authenticate(secret: string | undefined, now: number): Promise<Principal> {
    if (!secret || !isWellFormedKey(secret)) throw new UnauthorizedError();
    const record = await this.stores.apiKeys.findKeyByHash(hashKey(secret));
    if (!record) throw new UnauthorizedError();
    if (record.lastUsedAt === undefined || now - record.lastUsedAt > TOUCH_EVERY_MS) {
      await this.stores.apiKeys.touchKey(record, now);
    }
    return { projectId: record.projectId, keyId: record.id, role: record.role };
  }

  listKeys(principal: Principal): Promise<ApiKeyRecord[]> {
    return this.stores.apiKeys.listKeys(principal.projectId);
  }

  async revokeKey(principal: Principal, keyId: string): Promise<void> {
    requireWrite(principal);
    const record = (await this.stores.apiKeys.listKeys(principal.projectId)).find((key) => key.id === keyId);
    if (!record) throw new NotFoundError('key');
    await this.stores.apiKeys.deleteKey(record);
  }

  getProject(principal: Principal): Promise<Project | undefined> {
    return this.stores.projects.getProject(principal.projectId);
  }
}

export function requireWrite(principal: Principal): void {
  if (principal.role !== 'read-write') throw new ForbiddenError();
}
