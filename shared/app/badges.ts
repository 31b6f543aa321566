import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Job } from '../domain/job';
import { statusAt } from '../domain/transitions';
import { uniqueKeyOf } from '../domain/unique-key';
import { NotFoundError } from '../errors';
import type { Project } from '../domain/project';
import { healthchecksStatus } from './healthchecks-view';
import type { JobsService } from './jobs-service';

/**
 * Status badges (Healthchecks' `/badge/…`): read-only, no API key in the URL. A project's badge
 * key is `<project id>.<signature>`, the signature an HMAC of the project id under its ping key:
 * unguessable without the ping key, telling nothing about it, and stored nowhere (rotating the
 * ping key retires the old badge URLs with it).
 */
const SIGNATURE_BYTES = 16;
const PROJECT_ID = /^[A-Za-z0-9-]{1,64}$/;

export type BadgeFormat = 'svg' | 'json' | 'shields';
export const BADGE_FORMATS: readonly BadgeFormat[] = ['svg', 'json', 'shields'];

/** What a badge covers: every job (`*`), the jobs with a tag, or one job by its `unique_key`. */
export type BadgeSelector = { readonly all: true } | { readonly tag: string } | { readonly uniqueKey: string };

export interface BadgeStatus {
  readonly label: string;
  /** Healthchecks' three badge states. */
  readonly status: 'up' | 'late' | 'down';
  readonly total: number;
  readonly grace: number;
  readonly down: number;
}

function signature(projectId: string, pingKey: string): string {
  return createHmac('sha256', pingKey)
    .update(`cronsentry-badge:${projectId}`)
    .digest()
    .subarray(0, SIGNATURE_BYTES)
    .toString('base64url');
}

/** The badge key of a project, or undefined when it has no ping key to sign with. */
export function badgeKeyOf(project: Pick<Project, 'id' | 'pingKey'>): string | undefined {
  if (!project.pingKey || !PROJECT_ID.test(project.id)) return undefined;
  return `${project.id}.${signature(project.id, project.pingKey)}`;
}

/** Path-safe tag: Healthchecks quotes tags in badge URLs too. */
export function badgeUrl(baseUrl: string, badgeKey: string, tag: string, format: BadgeFormat): string {
  return `${baseUrl.replace(/\/$/, '')}/badge/${badgeKey}/${encodeURIComponent(tag)}.${format}`;
}

export interface BadgeProjects {
  getProject(projectId: string): Promise<Project | undefined>;
}

export class BadgeService {
  constructor(
    private readonly projects: BadgeProjects,
    private readonly jobs: Pick<JobsService, 'all'>,
  ) {}

  /** The summary a badge shows; any key that does not verify is the same NotFoundError. */
  async status(badgeKey: string, selector: BadgeSelector, now: number): Promise<BadgeStatus> {
    const [projectId = '', given = ''] = badgeKey.split('.');
    if (!PROJECT_ID.test(projectId)) throw new NotFoundError('badge');
    const project = await this.projects.getProject(projectId);
    const expected = project && badgeKeyOf(project);
    if (!expected || !sameText(expected, `${projectId}.${given}`)) throw new NotFoundError('badge');
    const jobs = (await this.allJobs(projectId, now)).filter((job) => selects(selector, job));
    if ('uniqueKey' in selector && jobs.length === 0) throw new NotFoundError('badge');
    return summarise(jobs, labelOf(selector, project, jobs), now);
  }

  private allJobs(projectId: string, now: number): Promise<Job[]> {
    return this.jobs.all({ projectId, keyId: 'badge', role: 'read-only' }, now);
  }
}

function selects(selector: BadgeSelector, job: Job): boolean {
  if ('all' in selector) return true;
  if ('tag' in selector) return job.profile.tags.includes(selector.tag);
  return uniqueKeyOf(job.state.id) === selector.uniqueKey;
}

function labelOf(selector: BadgeSelector, project: Project, jobs: readonly Job[]): string {
  if ('all' in selector) return project.name;
  if ('tag' in selector) return selector.tag;
  return jobs[0]!.profile.name;
}

/** Healthchecks' rule: any job down makes the badge down; else any in its grace makes it late. */
export function summarise(jobs: readonly Job[], label: string, now: number): BadgeStatus {
  let down = 0;
  let grace = 0;
  for (const job of jobs) {
    const status = healthchecksStatus(statusAt(job.state, now));
    if (status === 'down') down += 1;
    else if (status === 'grace') grace += 1;
  }
  return { label, status: down > 0 ? 'down' : grace > 0 ? 'late' : 'up', total: jobs.length, grace, down };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
