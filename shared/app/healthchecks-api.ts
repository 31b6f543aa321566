import type { Job } from '../domain/job';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { ChannelRecord } from '../domain/channel';
import type { FlipRecord, PingRecord } from '../domain/history';
import type { JobStore } from './ports/job-store';
import { requireWrite, type Principal } from './access';
import { nativeBodyOf, SpecError, specFieldOf, tagsOf, type CheckSpec } from './healthchecks-spec';
import { parseJobCreate, parseJobUpdate } from './job-input';
import type { JobsService } from './jobs-service';
import { slugify } from './slugs';
import { pagesOf } from './pages';

/** Healthchecks lists at most 1,000 pings of a check. */
const MAX_LISTED_PINGS = 1000;
const PAGE = 200;

/** A channel reference Healthchecks refuses: `{"error": "invalid channel identifier: x"}`. */
export class ChannelReferenceError extends ValidationError {}

/** The channels a key may see (shared/alerts/channel-service.ts `list`). */
export interface VisibleChannels {
  list(principal: Principal): Promise<ChannelRecord[]>;
}

export interface FlipFilter {
  readonly start?: number;
  readonly end?: number;
  readonly seconds?: number;
}

/**
 * Healthchecks' Management API v3 use cases, as a translation over CronSentry's own: every check
 * is a CronSentry job, stored once, created and changed through JobsService (limits, slugs,
 * channels and all). Nothing here keeps state of its own.
 */
export class HealthchecksApi {
  constructor(
    private readonly jobs: JobsService,
    private readonly jobRepository: Pick<JobStore, 'getState'>,
    private readonly channels: VisibleChannels,
  ) {}

  /** Every job of the project, `?tag=` (all must match) and `?slug=` applied. */
  async list(principal: Principal, filter: { tags: readonly string[]; slug?: string }, now: number): Promise<Job[]> {
    const all = await this.jobs.all(principal, now);
    return all.filter(
      ({ profile }) =>
        filter.tags.every((tag) => profile.tags.includes(tag)) &&
        (filter.slug === undefined || slugify(profile.name) === filter.slug),
    );
  }

  /**
   * `POST /checks/`: a new check, or (with `unique`) the existing one that matches, updated.
   * CronSentry's addition `uuid` creates the job under that id, or updates it if it is already
   * this project's (what makes `cronsentry import` safe to run twice).
   */
  async create(principal: Principal, spec: CheckSpec, now: number): Promise<{ job: Job; created: boolean }> {
    requireWrite(principal);
    const existing = await this.lookup(principal, spec, now);
    if (existing) return { job: await this.apply(principal, existing, spec, now), created: false };
    const native = { ...nativeBodyOf(spec, 'create'), ...(await this.channelIds(principal, spec.channels)) };
    // The translation is checked as CronSentry's own body is, and its errors spoken back in the spec's names.
    const job = await translated(() =>
      this.jobs.create(principal, parseJobCreate(native), now, spec.uuid ? { id: spec.uuid } : {}),
    );
    return { job, created: true };
  }

  async update(principal: Principal, jobId: string, spec: CheckSpec, now: number): Promise<Job> {
    requireWrite(principal);
    return this.apply(principal, await this.jobs.get(principal, jobId), spec, now);
  }

  get(principal: Principal, jobId: string): Promise<Job> {
    return this.jobs.get(principal, jobId);
  }

  /** `GET /checks/<unique_key>`: how read-only keys name a check. */
  async byUniqueKey(principal: Principal, uniqueKey: string): Promise<Job> {
    // One read of the job's unique-key item, not every job of the project.
    const jobId = await this.jobs.findRef(principal, uniqueKey);
    if (!jobId) throw new NotFoundError('check');
    return this.jobs.get(principal, jobId);
  }

  /** Healthchecks answers a delete with the check as it was. */
  async remove(principal: Principal, jobId: string): Promise<Job> {
    const job = await this.jobs.get(principal, jobId);
    await this.jobs.remove(principal, jobId);
    return job;
  }

  pause(principal: Principal, jobId: string, now: number): Promise<Job> {
    return this.jobs.pause(principal, jobId, now);
  }

  /** Healthchecks refuses to resume a check that is not paused: 409 `check is not paused`. */
  async resume(principal: Principal, jobId: string, now: number): Promise<Job> {
    requireWrite(principal);
    const job = await this.jobs.get(principal, jobId);
    if (job.state.status !== 'paused') throw new ConflictError('check is not paused');
    return this.jobs.resume(principal, jobId, now);
  }

  /** The newest pings first, at most 1,000 (Healthchecks' cap). */
  async pings(principal: Principal, jobId: string): Promise<PingRecord[]> {
    requireWrite(principal);
    const pings: PingRecord[] = [];
    const pageSize = () => Math.min(PAGE, MAX_LISTED_PINGS - pings.length);
    for await (const page of pagesOf((cursor) => this.jobs.pings(principal, jobId, pageSize(), cursor))) {
      pings.push(...page.items);
      if (pings.length >= MAX_LISTED_PINGS) break;
    }
    return pings;
  }

  /** Flips, newest first; `start`/`end` are UNIX times, `seconds` a look-back from now. */
  async flips(principal: Principal, jobId: string, filter: FlipFilter, now: number): Promise<FlipRecord[]> {
    const from = Math.max(
      filter.start !== undefined ? filter.start * 1000 : -Infinity,
      filter.seconds !== undefined ? now - filter.seconds * 1000 : -Infinity,
    );
    const until = filter.end !== undefined ? filter.end * 1000 : Infinity;
    const flips: FlipRecord[] = [];
    for await (const page of pagesOf((cursor) => this.jobs.flips(principal, jobId, PAGE, cursor))) {
      flips.push(...page.items.filter((flip) => flip.at >= from && flip.at < until));
      // Newest first: once a page reaches past `from`, older pages hold nothing wanted.
      if (page.items.some((flip) => flip.at < from)) break;
    }
    return flips;
  }

  async channelList(principal: Principal) {
    requireWrite(principal);
    return (await this.channels.list(principal)).map((channel) => ({
      id: channel.id,
      name: channel.name,
      kind: channel.kind,
    }));
  }

  /** Every tag in use in the project (for `GET /badges/`). */
  async tags(principal: Principal, now: number): Promise<string[]> {
    const tags = new Set<string>();
    for (const job of await this.jobs.all(principal, now)) job.profile.tags.forEach((tag) => tags.add(tag));
    return [...tags].sort();
  }

  /** Healthchecks' `_lookup`: the first check equal in every `unique` field the spec carries. */
  private async lookup(principal: Principal, spec: CheckSpec, now: number): Promise<Job | undefined> {
    if (spec.uuid) {
      const state = await this.jobRepository.getState(spec.uuid);
      if (!state) return undefined;
      if (state.projectId !== principal.projectId) throw new ConflictError('uuid: a job with this id already exists');
      return this.jobs.get(principal, spec.uuid);
    }
    const fields = spec.unique ?? [];
    if (fields.length === 0 || fields.some((field) => spec[field] === undefined)) return undefined;
    return (await this.jobs.all(principal, now)).find(({ state, profile }) =>
      fields.every((field) => {
        if (field === 'name') return profile.name === spec.name;
        if (field === 'slug') return slugify(profile.name) === spec.slug;
        if (field === 'tags') return profile.tags.join(' ') === tagsOf(spec.tags!).join(' ');
        if (field === 'grace') return state.graceMs === spec.grace! * 1000;
        return state.schedule.kind === 'interval' && state.schedule.everyMs === spec.timeout! * 1000;
      }),
    );
  }

  private async apply(principal: Principal, job: Job, spec: CheckSpec, now: number): Promise<Job> {
    const native = {
      ...nativeBodyOf(spec, 'update', job.profile.name),
      ...(await this.channelIds(principal, spec.channels)),
    };
    if (Object.keys(native).length === 0) return job;
    return translated(() => this.jobs.update(principal, job.state.id, parseJobUpdate(native), now));
  }

  /** Healthchecks' `channels`: `*` for all, empty for none, or channel ids and names, comma-separated. */
  private async channelIds(principal: Principal, channels: string | undefined): Promise<{ channels?: string[] }> {
    if (channels === undefined) return {};
    const available = await this.channels.list(principal);
    if (channels === '*') return { channels: available.map((channel) => channel.id) };
    if (channels === '') return { channels: [] };
    const ids = new Set<string>();
    for (const reference of channels.split(',')) {
      if (reference === '')
        throw new ChannelReferenceError([{ field: 'channels', message: 'empty channel identifier' }]);
      const matches = available.filter((channel) => channel.id === reference || channel.name === reference);
      if (matches.length !== 1) {
        const problem = matches.length === 0 ? 'invalid' : 'non-unique';
        throw new ChannelReferenceError([
          { field: 'channels', message: `${problem} channel identifier: ${reference}` },
        ]);
      }
      ids.add(matches[0]!.id);
    }
    return { channels: [...ids] };
  }
}

/** CronSentry's own validation errors, spoken back with Healthchecks' field names. */
async function translated<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ValidationError) || error instanceof SpecError) throw error;
    const field = specFieldOf(error.field);
    const message = error.details[0]?.message ?? error.message;
    throw new SpecError([{ field, message: `json validation error: ${field} ${message}` }], { cause: error });
  }
}
