import { randomUUID } from 'node:crypto';
import { DAY, MINUTE } from '../domain/durations';
import { INTAKE_POLICY, judgeIntake, type CanaryResult, type IntakePolicy } from '../domain/intake';
import { createState } from '../domain/transitions';
import type { IntakeStore } from './ports/intake-store';
import type { JobStore } from './ports/job-store';
import type { Logger } from './logger';

/** Where the guard's own alert goes: the stack's operator topic on AWS, the console in the sandbox. */
export interface OperatorAlerts {
  notify(subject: string, message: string): Promise<void>;
}

/** Sends the canary ping; resolves with the HTTP status, rejects when no answer came. */
export type CanarySender = (url: string) => Promise<number>;

export interface IntakeGuardOptions {
  /** The public base URL the canary pings through (`…/api/ping/<canary id>`); unset: no canary. */
  readonly canaryUrl?: string;
  /** How often the intake is judged (and the canary sent): every minute. */
  readonly everyMs?: number;
  readonly policy?: IntakePolicy;
}

/** The canary job lives in a project no key opens; it can never go missing (a year's interval). */
export const CANARY_PROJECT_ID = 'cronsentry-system';
const CANARY_SCHEDULE_MS = 365 * DAY;

export const INTAKE_ALERT_SUBJECT = "CronSentry's own ping intake is failing";

/**
 * The outage guard (see shared/domain/intake.ts and shared/domain/hold.ts): judged at most once a
 * minute per process, from the canary and the ingest counts; while the intake fails, the checker
 * holds missing flips as `unknown`. One operator alert when an outage begins (the process that
 * records its start sends it) and one when it ends, never one per job.
 */
export class IntakeGuard {
  private last?: { at: number; failing: boolean };
  /** How often the intake is judged; `unknown` jobs are looked at again as often. */
  readonly recheckMs: number;

  constructor(
    private readonly store: IntakeStore,
    private readonly jobs: Pick<JobStore, 'create' | 'getState'>,
    private readonly send: CanarySender,
    private readonly operator: OperatorAlerts,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
    private readonly options: IntakeGuardOptions = {},
  ) {
    this.recheckMs = options.everyMs ?? MINUTE;
  }

  async failing(now: number): Promise<boolean> {
    if (this.last && now >= this.last.at && now - this.last.at < this.recheckMs) return this.last.failing;
    // One read of the guard item a judgement: the canary's job, and whether an outage is on record.
    const guard = await this.store.getGuard();
    const canary = await this.runCanary(now, guard.canaryJobId);
    const policy = this.options.policy ?? INTAKE_POLICY;
    const lastMinute = Math.floor(now / MINUTE) * MINUTE - MINUTE;
    const perMinute = await this.store.pingsPerMinute(lastMinute - policy.baselineMinutes * MINUTE, lastMinute);
    const verdict = judgeIntake({ canary, perMinute }, policy);
    // The writes are conditional (one process records a change and tells the operator); they are
    // made only when the record says the state changes, not as a failing write every minute.
    const recorded = guard.outageSince !== undefined;
    if (verdict.failing && !recorded && (await this.store.beginOutage(now, verdict.reason))) {
      await this.tellOperator(
        INTAKE_ALERT_SUBJECT,
        `${verdict.reason}. Missing jobs are held as "unknown" until it recovers.`,
      );
    } else if (!verdict.failing && recorded && (await this.store.endOutage())) {
      await this.tellOperator(
        "CronSentry's own ping intake has recovered",
        'Jobs held as "unknown" are judged again: those that pinged are cleared, the others alert as missing.',
      );
    }
    this.last = { at: now, failing: verdict.failing };
    return verdict.failing;
  }

  /** Pings the canary job through the public URL and reads whether the ping was recorded. */
  private async runCanary(now: number, known: string | undefined): Promise<CanaryResult> {
    if (!this.options.canaryUrl) return 'not-run';
    const { jobId, lastPingAt: before } = await this.canaryJob(now, known);
    try {
      const status = await this.send(`${this.options.canaryUrl.replace(/\/$/, '')}/api/ping/${jobId}`);
      if (status < 200 || status > 299) return 'lost';
    } catch {
      return 'lost';
    }
    // The ping function's clock, not ours: a recorded ping changes the last ping time.
    const after = (await this.jobs.getState(jobId))?.lastPingAt;
    return after !== undefined && after !== before ? 'arrived' : 'lost';
  }

  /** The canary job (made on first use) and its last ping time, as read before the ping. */
  private async canaryJob(now: number, known: string | undefined): Promise<{ jobId: string; lastPingAt?: number }> {
    const current = known ? await this.jobs.getState(known) : undefined;
    if (known && current) return { jobId: known, lastPingAt: current.lastPingAt };
    const jobId = known ?? (await this.store.claimCanary(randomUUID()));
    const schedule = { kind: 'interval', everyMs: CANARY_SCHEDULE_MS, timezone: 'UTC' } as const;
    const state = createState({ id: jobId, projectId: CANARY_PROJECT_ID, schedule, graceMs: CANARY_SCHEDULE_MS, now });
    const profile = {
      id: jobId,
      projectId: CANARY_PROJECT_ID,
      name: 'CronSentry canary',
      description: "Pinged by the checker every minute to prove CronSentry's own ping intake works",
      tags: [],
      channelIds: [],
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.jobs.create(state, profile);
    } catch (error) {
      // Another checker created it first: theirs is as good.
      const theirs = await this.jobs.getState(jobId);
      if (!theirs) throw error;
      return { jobId, lastPingAt: theirs.lastPingAt };
    }
    return { jobId, lastPingAt: state.lastPingAt };
  }

  private async tellOperator(subject: string, message: string): Promise<void> {
    this.logger.warn(subject, { message });
    try {
      await this.operator.notify(subject, message);
    } catch (error) {
      this.logger.warn('the operator alert could not be sent', { error: (error as Error).name });
    }
  }
}

/** The canary's HTTP call: a plain GET with a short timeout. */
export const fetchCanary: CanarySender = async (url) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  return response.status;
};
