import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import type { AccessRepository, ApiKeyRecord, Project, Role } from '../storage/access-repository';

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
  constructor(private readonly access: AccessRepository) {}

  async ensureProject(id: string, name: string, now: number): Promise<Project> {
    await this.access.putProject({ id, name, createdAt: now });
    const project = await this.access.getProject(id);
    if (!project) throw new Error(`project ${id} could not be created`);
    return project;
  }

  async createProject(name: string, now: number): Promise<Project> {
    const project = { id: randomUUID(), name, createdAt: now };
    await this.access.putProject(project);
    return project;
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
    await this.access.putKey(record);
    return { record, secret };
  }

  async authenticate(secret: string | undefined, now: number): Promise<Principal> {
    if (!secret || !isWellFormedKey(secret)) throw new UnauthorizedError();
    const record = await this.access.findKeyByHash(hashKey(secret));
    if (!record) throw new UnauthorizedError();
    if (record.lastUsedAt === undefined || now - record.lastUsedAt > TOUCH_EVERY_MS) {
      await this.access.touchKey(record, now);
    }
    return { projectId: record.projectId, keyId: record.id, role: record.role };
  }

  listKeys(principal: Principal): Promise<ApiKeyRecord[]> {
    return this.access.listKeys(principal.projectId);
  }

  async revokeKey(principal: Principal, keyId: string): Promise<void> {
    const record = (await this.access.listKeys(principal.projectId)).find((key) => key.id === keyId);
    if (!record) throw new NotFoundError('key');
    await this.access.deleteKey(record);
  }

  getProject(principal: Principal): Promise<Project | undefined> {
    return this.access.getProject(principal.projectId);
  }
}

export function requireWrite(principal: Principal): void {
  if (principal.role !== 'read-write') throw new ForbiddenError();
}
