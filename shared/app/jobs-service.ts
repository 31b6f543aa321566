import { randomUUID } from 'node:crypto';
import { type Job, type JobProfile, type JobState, type Status } from '../domain/job';
import { scheduleText } from '../domain/schedule';
import { isUniqueKey } from '../domain/unique-key';
import { createState, statusAt, transition, type SettingsChange, type Transition } from '../domain/transitions';
import { NotFoundError, ValidationError } from '../errors';
import type { HistoryStore } from './ports/history-store';
import { StatusIndexMissingError, type JobCounts, type JobStore } from './ports/job-store';
import { allItems, pagesOf } from './pages';
import type { Page } from './ports/page';
import { requireWrite, type Principal } from './access';
import { toJobDraft, toJobPatch } from './job-draft';
import type { JobCreateInput, JobUpdateInput } from './job-input';
import type { OutboxPublisher } from './outbox';
import { UUID_PATTERN } from './validation';
import { writeTransition } from './write-transition';
import { AwsSourceWatch, type AwsSourceClaims } from './aws-source-watch';
import { listInStatus, summarize, type JobSummary } from './status-reads';

/** Channels a job may name, and the ones a new job gets when it names none (the alerts feature). */
export interface ChannelDirectory {
  existingIds(projectId: string, ids: readonly string[]): Promise<Set<string>>;
  defaultIds(projectId: string): Promise<string[]>;
}

export interface JobFilter {
  readonly status?: Status;
  readonly tag?: string;
  readonly query?: string;
}

/** Project bookkeeping around a job's life: its place under the job limit and the slug it is pinged by. */
export interface JobLedger {
  /** Counts a new job against the limit; throws ForbiddenError when the project is full. */
  reserve(projectId: string, limit: number): Promise<void>;
  release(projectId: string): Promise<void>;
  /** A job got a name, changed it, or (after `undefined`) went away: its slug follows. */
  renamed(projectId: string, jobId: string, before: string | undefined, after: string | undefined): Promise<void>;
}

export interface JobsServiceOptions {
  readonly minimumMs: number;
  readonly maxJobsPerProject: number;
  readonly ledger: JobLedger;
  /** Claims of AWS resources (`aws_source`); without it, a job cannot watch one. */
  readonly awsSources?: AwsSourceClaims;
}

/** The management use cases for jobs. Every call is scoped to the caller's project. */
export class JobsService {
  private readonly watch: AwsSourceWatch;
  /** False once the table turned out to have no status index (an old sandbox data folder). */
  private statusIndex = true;

  constructor(
    private readonly jobs: JobStore,
    private readonly history: HistoryStore,
    private readonly outbox: OutboxPublisher,
    private readonly channels: ChannelDirectory,
    private readonly options: JobsServiceOptions,
  ) {
    this.watch = new AwsSourceWatch(options.awsSources);
  }

  /**
   * `input`: a body checked by its schema (`parseJobCreate`); the schedule and durations are judged
   * here. `id`: the job's id when the caller brings one (an imported Healthchecks check keeps its UUID).
   */
  async create(principal: Principal, input: JobCreateInput, now: number, options: { id?: string } = {}): Promise<Job> {
    requireWrite(principal);
    const draft = toJobDraft(input, this.options.minimumMs, now);
    const channelIds = draft.channelIds
      ? await this.checkChannels(principal.projectId, draft.channelIds)
      : await this.channels.defaultIds(principal.projectId);
    const id = options.id ?? randomUUID();
    const state = createState({
      id,
      projectId: principal.projectId,
      schedule: draft.schedule,
      graceMs: draft.graceMs,
      reminderEveryMs: draft.reminderEveryMs,
      ...draft.rules,
      now,
    });
    const profile: JobProfile = {
      id,
      projectId: principal.projectId,
      name: draft.name,
      description: draft.description,
      tags: draft.tags,
      channelIds,
      ...(draft.awsSource ? { awsSource: draft.awsSource } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await this.options.ledger.reserve(principal.projectId, this.options.maxJobsPerProject);
    try {
      await this.watch.start(profile);
      await this.jobs.create(state, profile);
    } catch (error) {
      await this.watch.stop(profile);
      await this.options.ledger.release(principal.projectId);
      throw error;
    }
    await this.options.ledger.renamed(principal.projectId, id, undefined, profile.name);
    return { state, profile };
  }

  /**
   * The job id a path names. Read-write keys may use the id or the unique key; read-only keys only
   * the unique key, because the id is the ping credential and they never learn it. Anything else,
   * and a unique key of another project, is the same 404 as an unknown id.
   */
  async resolveRef(principal: Principal, ref: string): Promise<string> {
    const jobId = await this.findRef(principal, ref);
    if (!jobId) throw new NotFoundError('job');
    return jobId;
  }

  /** As `resolveRef`, with `undefined` for a job that does not exist (filters want "no match", not 404). */
  async findRef(principal: Principal, ref: string): Promise<string | undefined> {
    const value = ref.toLowerCase();
    if (UUID_PATTERN.test(value)) return principal.role === 'read-write' ? value : undefined;
    if (!isUniqueKey(value)) return undefined;
    const found = await this.jobs.findIdByUniqueKey(principal.projectId, value);
    if (found || !(await this.jobs.indexUniqueKeys(principal.projectId))) return found;
    return this.jobs.findIdByUniqueKey(principal.projectId, value);
  }

  async get(principal: Principal, jobId: string): Promise<Job> {
    const profile = await this.ownedProfile(principal, jobId);
    const state = await this.jobs.getState(jobId);
    if (!state || state.projectId !== principal.projectId) throw new NotFoundError('job');
    return { state, profile };
  }

  /**
   * Pages through the project's jobs, filtering by status (as of `now`), tag and name. A filtered
   * page is filled from as many store pages as it takes, and its cursor points just after the last
   * job returned, so no job is skipped or repeated. A status filter reads the status index instead
   * (status-reads.ts): only the jobs stored in that status, not the whole project.
   */
  async list(principal: Principal, filter: JobFilter, limit: number, now: number, cursor?: string): Promise<Page<Job>> {
    if (filter.status && this.statusIndex) {
      const rest = { ...filter, status: undefined };
      try {
        return await listInStatus(
          this.jobs,
          principal.projectId,
          filter.status,
          (job) => matchesFilter(job, rest, now),
          limit,
          now,
          cursor,
        );
      } catch (error) {
        if (!(error instanceof StatusIndexMissingError)) throw error;
        this.statusIndex = false; // an old sandbox table: read the project, as before the index
      }
    }
    const matches: Job[] = [];
    const pages = pagesOf((next) => this.jobs.listProfiles(principal.projectId, limit, next), cursor);
    for await (const page of pages) {
      const states = new Map((await this.jobs.getStates(page.items.map((p) => p.id))).map((s) => [s.id, s]));
      for (const profile of page.items) {
        const state = states.get(profile.id);
        if (!state || !matchesFilter({ state, profile }, filter, now)) continue;
        matches.push({ state, profile });
        if (matches.length === limit) {
          const isLast = profile === page.items[page.items.length - 1];
          const next = isLast ? page.nextCursor : this.jobs.profileCursorAfter(principal.projectId, profile.id);
          return { items: matches, nextCursor: next };
        }
      }
    }
    return { items: matches, nextCursor: null };
  }

  /** Every job of the project, all pages (reads every job: for summaries, badges and exports). */
  all(principal: Principal, now: number): Promise<Job[]> {
    return allItems((cursor) => this.list(principal, {}, 200, now, cursor));
  }

  /** Counts per status and every tag in use, over the whole project, from its stored counts (status-reads.ts). */
  async summary(principal: Principal, now: number): Promise<JobSummary> {
    return summarize(this.jobs, principal.projectId, now);
  }

  /** Counts every job of the project again and repairs its stored counts (`cronsentry jobs recount`). */
  async recount(principal: Principal, now: number): Promise<JobCounts> {
    requireWrite(principal);
    return this.jobs.recount(principal.projectId, now);
  }

  /** `input`: a body checked by its schema (`parseJobUpdate`), judged against the job as it is. */
  async update(principal: Principal, jobId: string, input: JobUpdateInput, now: number): Promise<Job> {
    requireWrite(principal);
    const current = await this.get(principal, jobId);
    const patch = toJobPatch(
      input,
      current.state.schedule,
      scheduleText(current.state.schedule),
      this.options.minimumMs,
      now,
      current.state,
    );
    const channelIds = patch.channelIds ? await this.checkChannels(principal.projectId, patch.channelIds) : undefined;
    let state = current.state;
    const change: SettingsChange = {
      ...(patch.schedule ? { schedule: patch.schedule } : {}),
      ...(patch.graceMs !== undefined ? { graceMs: patch.graceMs } : {}),
      ...(patch.reminderEveryMs !== undefined ? { reminderEveryMs: patch.reminderEveryMs } : {}),
      ...patch.rules,
    };
    if (Object.keys(change).length > 0) {
      const decide = (s: JobState) => transition(s, { kind: 'change', change, now });
      state = (await this.writeOwn(principal, jobId, decide, current.state)).state;
    }
    const profile: JobProfile = {
      ...current.profile,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.tags !== undefined ? { tags: patch.tags } : {}),
      ...(channelIds ? { channelIds } : {}),
      ...(patch.awsSource !== undefined ? { awsSource: patch.awsSource ?? undefined } : {}),
      updatedAt: now,
    };
    if (patch.awsSource !== undefined) await this.watch.move(current.profile, profile);
    await this.jobs.saveProfile(profile);
    if (profile.name !== current.profile.name) {
      await this.options.ledger.renamed(principal.projectId, jobId, current.profile.name, profile.name);
    }
    return { state, profile };
  }

  async remove(principal: Principal, jobId: string): Promise<void> {
    requireWrite(principal);
    const { profile } = await this.get(principal, jobId);
    await this.jobs.delete(principal.projectId, jobId);
    await this.watch.stop(profile);
    await this.options.ledger.renamed(principal.projectId, jobId, profile.name, undefined);
    await this.options.ledger.release(principal.projectId);
  }

  async pause(principal: Principal, jobId: string, now: number): Promise<Job> {
    return this.changeStatus(principal, jobId, now, (state) => transition(state, { kind: 'pause', now }));
  }

  async resume(principal: Principal, jobId: string, now: number): Promise<Job> {
    return this.changeStatus(principal, jobId, now, (state) => transition(state, { kind: 'resume', now }));
  }

  async pings(principal: Principal, jobId: string, limit: number, cursor?: string) {
    await this.ownedProfile(principal, jobId);
    return this.history.listPings(jobId, limit, cursor);
  }

  async flips(principal: Principal, jobId: string, limit: number, cursor?: string) {
    await this.ownedProfile(principal, jobId);
    return this.history.listFlips(jobId, limit, cursor);
  }

  /** The profile lives under the caller's project, so finding it proves the job is theirs. */
  private async ownedProfile(principal: Principal, jobId: string): Promise<JobProfile> {
    const profile = await this.jobs.getProfile(principal.projectId, jobId);
    if (!profile) throw new NotFoundError('job');
    return profile;
  }

  private async changeStatus(
    principal: Principal,
    jobId: string,
    now: number,
    decide: Parameters<typeof writeTransition>[2],
  ) {
    requireWrite(principal);
    const { profile, state } = await this.get(principal, jobId);
    const transition = await this.writeOwn(principal, jobId, decide, state);
    if (transition.notice) await this.outbox.publishPending(transition.state, now);
    return { state: transition.state, profile };
  }

  private writeOwn(
    principal: Principal,
    jobId: string,
    decide: Parameters<typeof writeTransition>[2],
    known: Job['state'],
  ): Promise<Transition> {
    return writeTransition(this.jobs, jobId, decide, (state) => state.projectId === principal.projectId, known);
  }

  private async checkChannels(projectId: string, ids: readonly string[]): Promise<string[]> {
    const existing = await this.channels.existingIds(projectId, ids);
    const unknown = ids.findIndex((id) => !existing.has(id));
    if (unknown >= 0) throw ValidationError.of(`channels.${unknown}`, 'no such channel in this project');
    return [...ids];
  }
}

function matchesFilter(job: Job, filter: JobFilter, now: number): boolean {
  if (filter.status && statusAt(job.state, now) !== filter.status) return false;
  if (filter.tag && !job.profile.tags.includes(filter.tag)) return false;
  if (filter.query && !job.profile.name.toLowerCase().includes(filter.query.toLowerCase())) return false;
  return true;
}
