import { isAlertWorthy, isDown, type JobProfile, type JobState, type Notice } from '../domain/job';
import { describeSchedule, scheduleText } from '../domain/schedule';

/**
 * What a notice means to the people subscribed: something broke, it is fixed, it is still broken,
 * it keeps changing (further changes held back), it stopped changing (the summary), or its ping
 * is late (an early warning the job asked for; it opens no incident).
 */
export const ALERT_EVENTS = ['down', 'up', 'reminder', 'flapping', 'settled', 'late'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/**
 * Everything a channel needs to tell people about a notice, so that no subscriber has to read the
 * table (SNS subscribers cannot).
 */
export interface AlertMessage {
  readonly event: AlertEvent;
  readonly notice: Notice;
  readonly job: Pick<JobProfile, 'id' | 'projectId' | 'name' | 'description' | 'tags' | 'channelIds'> & {
    readonly schedule: string;
    readonly timezone: string;
    readonly scheduleDescription: string;
    readonly graceMs: number;
    readonly status: JobState['status'];
    readonly statusSince: number;
    readonly lastPingAt?: number;
    readonly lastSuccessAt?: number;
    readonly expectedAt?: number;
    readonly reminderEveryMs?: number;
  };
  /** Link to the job on the dashboard, when the public URL is known. */
  readonly dashboardUrl?: string;
}

/**
 * The bus refused a message in a way a retry cannot change (its content, a permission): the
 * outbox parks such a notice after a few tries instead of letting it block the job's outbox.
 */
export class PublishRefused extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishRefused';
  }
}

/** What became of one message handed to the bus with others: taken, or refused with this error. */
export type PublishOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/** Where notices go once written: SNS on AWS, the in-process notifier in the sandbox. */
export interface AlertBus {
  publish(message: AlertMessage): Promise<void>;
  /**
   * Many messages in as few requests as the bus takes (SNS PublishBatch: 10 a request): one
   * outcome per message, in the same order; one message refused does not fail the others.
   * Optional: a bus without it is handed the messages one `publish` each (see `publishAll`).
   */
  publishMany?(messages: readonly AlertMessage[]): Promise<PublishOutcome[]>;
}

/** Hands `messages` to the bus at once, in batches where it takes them; never throws. */
export async function publishAll(bus: AlertBus, messages: readonly AlertMessage[]): Promise<PublishOutcome[]> {
  if (messages.length === 0) return [];
  if (bus.publishMany) {
    try {
      return await bus.publishMany(messages);
    } catch (error) {
      return messages.map(() => ({ ok: false, error }));
    }
  }
  return Promise.all(
    messages.map((message) =>
      bus.publish(message).then(
        (): PublishOutcome => ({ ok: true }),
        (error: unknown): PublishOutcome => ({ ok: false, error }),
      ),
    ),
  );
}

/**
 * Which notices people hear about; the rest (first ping, pause, resume, and changes held back
 * while a job flaps) are history only.
 */
export function alertEventOf(notice: Notice): AlertEvent | undefined {
  // Held back: a flapping job's changes, or anything held by a maintenance window (see domain/hold.ts).
  if (notice.quiet) return undefined;
  if (notice.kind !== 'flip') return notice.kind;
  if (!isAlertWorthy(notice.from, notice.to)) return undefined;
  return isDown(notice.to) ? 'down' : 'up';
}

export function buildAlertMessage(
  event: AlertEvent,
  notice: Notice,
  state: JobState,
  profile: JobProfile | undefined,
  publicUrl: string | undefined,
): AlertMessage {
  return {
    event,
    notice,
    job: {
      id: state.id,
      projectId: state.projectId,
      name: profile?.name ?? state.id,
      description: profile?.description ?? '',
      tags: profile?.tags ?? [],
      channelIds: profile?.channelIds ?? [],
      schedule: scheduleText(state.schedule),
      timezone: state.schedule.timezone,
      scheduleDescription: describeSchedule(state.schedule),
      graceMs: state.graceMs,
      status: state.status,
      statusSince: state.statusSince,
      lastPingAt: state.lastPingAt,
      lastSuccessAt: state.lastSuccessAt,
      expectedAt: state.expectedAt,
      reminderEveryMs: state.reminderEveryMs,
    },
    ...(publicUrl ? { dashboardUrl: `${publicUrl.replace(/\/$/, '')}/#/jobs/${state.id}` } : {}),
  };
}
