import { isDown, type JobProfile, type JobState, type Notice } from '../domain/job';
import { describeSchedule, scheduleText } from '../domain/schedule';

/** What a notice means to the people subscribed: something broke, it is fixed, it is still broken. */
export const ALERT_EVENTS = ['down', 'up', 'reminder'] as const;
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

/** Where notices go once written: SNS on AWS, the in-process notifier in the sandbox. */
export interface AlertBus {
  publish(message: AlertMessage): Promise<void>;
}

/** Which notices people hear about; the rest (first ping, pause, resume) are history only. */
export function alertEventOf(notice: Notice): AlertEvent | undefined {
  if (notice.kind === 'reminder') return 'reminder';
  if (isDown(notice.to)) return 'down';
  if (isDown(notice.from) && notice.to === 'healthy') return 'up';
  return undefined;
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
