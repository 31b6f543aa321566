import { randomBytes } from 'node:crypto';
import { ForbiddenError, NotFoundError } from '../errors';
import type { PingKeyStore } from './ports/ping-key-store';
import type { ProjectStore } from './ports/project-store';
import type { WindowCounter } from './ports/window-counter';
import type { Principal } from './access';
import type { JobCreateInput } from './job-input';

/**
 * Slug pings: `/api/ping/{ping key}/{slug}` reaches a job by a readable name. The slug of a job is
 * its name, slugified (`Nightly DB backup` → `nightly-db-backup`); the first job of a project to
 * take a slug keeps it while it has that name.
 */
export const MAX_SLUG_LENGTH = 100;
/** Exactly what `slugify` produces, so a slug in a URL and the slug of a job's name agree. */
export const SLUG_PATTERN = /^[a-z0-9_]+(?:-[a-z0-9_]+)*$/;
/** 128 random bits, base64url: unguessable, and never mistaken for a job's UUID. */
export const PING_KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function slugify(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? undefined : slug;
}

export function isSlug(value: string): boolean {
  return value.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(value);
}

export function generatePingKey(): string {
  return randomBytes(16).toString('base64url');
}

export function isPingKey(value: string): boolean {
  return PING_KEY_PATTERN.test(value);
}

/**
 * What a job auto-registered by `?create=1` starts with; people adjust it afterwards. No channels,
 * not even the project's defaults: anyone holding the ping key could otherwise register jobs that
 * all go missing a day later and alert everyone at once. A person adds channels when adopting it.
 */
export function autoCreatedJob(slug: string): JobCreateInput {
  // Built, not parsed: a slug (SLUG_PATTERN, at most MAX_SLUG_LENGTH) is a valid job name as it
  // is, and the rest is POST /api/jobs' defaults, so the ping function loads no input schema for
  // it (test/app/auto-created-job.test.ts proves it equals the parsed body for any slug).
  return {
    name: slug,
    description: '',
    schedule: 'every 1d',
    timezone: 'UTC',
    grace_time: 60,
    tags: [],
    channels: [],
    failure_threshold: 1,
    recovery_threshold: 1,
    late_alert: false,
  };
}

/** `?create=1` limits: its own small quota per project and a rate per ping key, apart from the job limit. */
export interface AutoCreateLimits {
  /** Jobs one project may auto-create per UTC day. */
  readonly perProjectPerDay: number;
  /** Jobs one ping key may auto-create per minute. */
  readonly perPingKeyPerMinute: number;
}

export const DEFAULT_AUTO_CREATE_LIMITS: AutoCreateLimits = { perProjectPerDay: 50, perPingKeyPerMinute: 5 };

export interface SlugPing {
  readonly pingKey: string;
  readonly slug: string;
  /** `?create=1`: register the slug as a new job if the project allows it. */
  readonly create: boolean;
}

/** Creates a job named `slug` in the project (the jobs use case, limits and all); returns its id. */
export type CreateJobForSlug = (principal: Principal, slug: string, now: number) => Promise<string>;
export type RemoveJob = (principal: Principal, jobId: string) => Promise<void>;

/**
 * Turns a slug ping into a job id. A known slug costs one GetItem. Every way of not finding the
 * job (bad key, unknown slug, creation off or not possible) is the same NotFoundError, so a caller
 * learns nothing about which keys or slugs exist.
 */
export class SlugDirectory {
  constructor(
    private readonly stores: {
      readonly projects: ProjectStore;
      readonly pingKeys: PingKeyStore;
      readonly windows: WindowCounter;
    },
    private readonly createJob: CreateJobForSlug,
    private readonly removeJob: RemoveJob,
    private readonly limits: AutoCreateLimits = DEFAULT_AUTO_CREATE_LIMITS,
  ) {}

  /** The job a slug names; `created` when this very ping registered it (Healthchecks answers 201). */
  async resolve(ping: SlugPing, now: number): Promise<{ jobId: string; created: boolean }> {
    if (!isPingKey(ping.pingKey) || !isSlug(ping.slug)) throw new NotFoundError('job');
    const found = await this.stores.pingKeys.findSlug(ping.pingKey, ping.slug);
    if (found) return { jobId: found.jobId, created: false };
    if (!ping.create) throw new NotFoundError('job');
    return this.register(ping, now);
  }

  /** One write per window and limit, only when a job is about to be created (never per ping). */
  private async withinCreateLimits(pingKey: string, projectId: string, now: number): Promise<boolean> {
    const minute = Math.floor(now / 60_000);
    const day = Math.floor(now / 86_400_000);
    return (
      (await this.stores.windows.countInWindow(
        { pingKey },
        `create-${minute}`,
        this.limits.perPingKeyPerMinute,
        (minute + 2) * 60_000,
      )) &&
      (await this.stores.windows.countInWindow(
        { projectId },
        `create-${day}`,
        this.limits.perProjectPerDay,
        (day + 2) * 86_400_000,
      ))
    );
  }

  private async register(ping: SlugPing, now: number): Promise<{ jobId: string; created: boolean }> {
    const projectId = await this.stores.pingKeys.findPingKey(ping.pingKey);
    const project = projectId ? await this.stores.projects.getProject(projectId) : undefined;
    if (!project || project.pingKey !== ping.pingKey || !project.createOnPing) throw new NotFoundError('job');
    if (!(await this.withinCreateLimits(ping.pingKey, project.id, now))) {
      // Over a limit: no new job; a racing first ping may have made this one meanwhile.
      const made = await this.stores.pingKeys.findSlug(ping.pingKey, ping.slug);
      if (made) return { jobId: made.jobId, created: false };
      throw new NotFoundError('job');
    }
    const principal: Principal = { projectId: project.id, keyId: 'ping-key', role: 'read-write' };
    let jobId: string;
    try {
      jobId = await this.createJob(principal, ping.slug, now);
    } catch (error) {
      // A full project: the ping is answered like any other unknown slug.
      if (error instanceof ForbiddenError) throw new NotFoundError('job');
      throw error;
    }
    // Two first pings at once each made a job; the one that holds the slug stays, the other goes.
    const holder = await this.stores.pingKeys.findSlug(ping.pingKey, ping.slug);
    if (holder && holder.jobId !== jobId) {
      await this.removeJob(principal, jobId);
      return { jobId: holder.jobId, created: false };
    }
    return { jobId, created: true };
  }
}
