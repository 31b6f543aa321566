import type { Principal } from '../shared/app/access';
import { awsSourceView } from '../shared/app/aws-source-mapping';
import { toJobDraft } from '../shared/app/job-draft';
import { parseJobCreate, parseJobUpdate } from '../shared/app/job-input';
import type { Services } from '../shared/wiring/services';
import { slugify } from '../shared/app/slugs';
import type { AwsSource } from '../shared/domain/aws-events/source';
import type { Job } from '../shared/domain/job';
import type { Schedule } from '../shared/domain/schedule';
import { scheduleText } from '../shared/domain/schedule';
import { CronSentryError } from '../shared/errors';
import type { DeclaredJobs } from './monitors-file';
import { CliError } from './target';

export interface SyncStep {
  readonly action: 'create' | 'update' | 'delete' | 'keep' | 'unchanged';
  readonly slug: string;
  readonly jobId?: string;
  /** For `update`: the fields that differ. */
  readonly fields?: readonly string[];
}

export interface SyncOptions {
  readonly prune: boolean;
  readonly now: number;
}

/** The project's jobs by the slug of their name. */
async function existingJobs(services: Services, principal: Principal, now: number): Promise<Map<string, Job>> {
  const jobs = new Map<string, Job>();
  for (const job of await services.jobs.all(principal, now)) {
    const slug = slugify(job.profile.name);
    if (slug) jobs.set(slug, job);
  }
  return jobs;
}

interface Comparable {
  readonly name: string;
  readonly description: string;
  readonly schedule: Schedule;
  readonly graceMs: number;
  readonly tags: readonly string[];
  readonly awsSource?: AwsSource;
  readonly reminderEveryMs?: number;
  readonly failureThreshold?: number;
  readonly recoveryThreshold?: number;
  readonly maxRuntimeMs?: number | null;
  readonly minRuntimeMs?: number | null;
  readonly lateAlert?: boolean;
  /** Compared only when the file names channels (else the project's defaults apply). */
  readonly channelIds?: readonly string[];
}

/** A job's fields in the form compared: what the API stores, named as the file names them. */
function comparable(job: Comparable) {
  return {
    name: job.name,
    description: job.description,
    schedule: scheduleText(job.schedule),
    timezone: job.schedule.timezone,
    grace_time: job.graceMs,
    tags: [...job.tags].sort(),
    aws_source: awsSourceView(job.awsSource),
    reminder_every: job.reminderEveryMs ?? null,
    failure_threshold: job.failureThreshold ?? 1,
    recovery_threshold: job.recoveryThreshold ?? 1,
    max_runtime: job.maxRuntimeMs ?? null,
    min_runtime: job.minRuntimeMs ?? null,
    late_alert: job.lateAlert ?? false,
    ...(job.channelIds ? { channels: [...job.channelIds].sort() } : {}),
  };
}

/** What applying `declared` would do. Every declared job is validated here, before anything changes. */
export async function planSync(
  services: Services,
  principal: Principal,
  declared: DeclaredJobs,
  minimumMs: number,
  options: SyncOptions,
): Promise<SyncStep[]> {
  const existing = await existingJobs(services, principal, options.now);
  const steps: SyncStep[] = [];
  for (const [slug, body] of Object.entries(declared)) {
    if (slugify(String(body.name)) !== slug) {
      throw new CliError(
        `jobs.${slug}.name: "${String(body.name)}" has the slug ${slugify(String(body.name))}, not ${slug}`,
      );
    }
    let wanted: ReturnType<typeof comparable>;
    try {
      const draft = toJobDraft(parseJobCreate(body), minimumMs, options.now);
      wanted = comparable({ ...draft, ...draft.rules });
    } catch (error) {
      if (error instanceof CronSentryError) throw new CliError(`jobs.${slug}: ${error.message}`);
      throw error;
    }
    const job = existing.get(slug);
    if (!job) {
      steps.push({ action: 'create', slug });
      continue;
    }
    const have = comparable({ ...job.profile, ...job.state });
    const fields = (Object.keys(wanted) as (keyof typeof wanted)[]).filter(
      (field) => JSON.stringify(wanted[field]) !== JSON.stringify(have[field]),
    );
    steps.push({
      action: fields.length ? 'update' : 'unchanged',
      slug,
      jobId: job.state.id,
      ...(fields.length ? { fields } : {}),
    });
  }
  for (const [slug, job] of existing) {
    if (slug in declared) continue;
    steps.push({ action: options.prune ? 'delete' : 'keep', slug, jobId: job.state.id });
  }
  return steps;
}

export function isDrift(steps: readonly SyncStep[]): boolean {
  return steps.some((step) => step.action === 'create' || step.action === 'update' || step.action === 'delete');
}

const SYMBOLS: Record<SyncStep['action'], string> = {
  create: '+ create   ',
  update: '~ update   ',
  delete: '- delete   ',
  keep: '  keep     ',
  unchanged: '= unchanged',
};

export function describePlan(steps: readonly SyncStep[]): string[] {
  return steps.map((step) => {
    const extra =
      step.action === 'update'
        ? ` (${step.fields!.join(', ')})`
        : step.action === 'keep'
          ? ' (not declared; --prune deletes it)'
          : '';
    return `${SYMBOLS[step.action]} ${step.slug}${extra}`;
  });
}

/** Carries the plan out in order: creates, updates, then deletes. */
export async function applySync(
  services: Services,
  principal: Principal,
  declared: DeclaredJobs,
  steps: readonly SyncStep[],
  now: number,
): Promise<void> {
  for (const step of steps) {
    if (step.action === 'create') await services.jobs.create(principal, parseJobCreate(declared[step.slug]), now);
    if (step.action === 'update') {
      const body = declared[step.slug]!;
      // Only what differs; a field left out of the file goes back to its default.
      const patch: Record<string, unknown> = {};
      for (const field of step.fields!) patch[field] = body[field] ?? DEFAULTS[field] ?? null;
      await services.jobs.update(principal, step.jobId!, parseJobUpdate(patch), now);
    }
    if (step.action === 'delete') await services.jobs.remove(principal, step.jobId!);
  }
}

const DEFAULTS: Record<string, unknown> = {
  description: '',
  tags: [],
  timezone: 'UTC',
  failure_threshold: 1,
  recovery_threshold: 1,
  late_alert: false,
};
