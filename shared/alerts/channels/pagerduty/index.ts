// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import { closesIncident, NOT_PAGED, opensNoIncident, type RenderedAlert } from '../../render';
import { clip, clipStart } from '../clip';
import { vendorUrl } from '../vendor-url';

/** Events API v2: one endpoint for every account; only the routing key says which service. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

const settingsSchema = z.strictObject({
  routing_key: z
    .string()
    .check(
      z.trim(),
      z.regex(/^[A-Za-z0-9]{32}$/, 'must be the 32-character integration key of an Events API v2 integration'),
    ),
  /** The severity of a down alert; test messages are always `info`. */
  severity: z._default(z.enum(PAGERDUTY_SEVERITIES), 'critical'),
});
export type PagerDutySettings = z.infer<typeof settingsSchema>;

/** The documented limits: summary 1024 characters, source and dedup_key 255. */
const MAX_SUMMARY = 1024;
const MAX_SOURCE = 255;

/**
 * One incident per job: `dedup_key` is the job id, so a reminder joins the open incident and a
 * recovery resolves it. A test message gets its own key, so it never touches a real incident.
 */
export function pagerDutyEvent(alert: RenderedAlert, settings: PagerDutySettings) {
  const { job, notice } = alert.message;
  const dedupKey = alert.test ? notice.id : job.id;
  if (closesIncident(alert)) {
    return { routing_key: settings.routing_key, event_action: 'resolve', dedup_key: dedupKey } as const;
  }
  const details: Record<string, string> = Object.fromEntries(alert.facts.map((fact) => [fact.label, fact.value]));
  if (alert.output) details[alert.outputLabel] = clipStart(alert.output, 1500);
  return {
    routing_key: settings.routing_key,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: clip(`${alert.subject}: ${notice.reason}`, MAX_SUMMARY),
      source: clip(job.name, MAX_SOURCE),
      severity: alert.test ? 'info' : settings.severity,
      timestamp: new Date(notice.at).toISOString(),
      component: 'cron job',
      class: notice.to,
      ...(job.tags.length ? { group: clip(job.tags.join(', '), MAX_SOURCE) } : {}),
      custom_details: details,
    },
    client: 'CronSentry',
    ...(alert.dashboardUrl
      ? { client_url: alert.dashboardUrl, links: [{ href: alert.dashboardUrl, text: 'Open in CronSentry' }] }
      : {}),
  } as const;
}

/** PagerDuty through the Events API v2: trigger on down, resolve on recovery (the routing key is the secret). */
export const pagerDutyChannel: ChannelKind<PagerDutySettings> = {
  kind: 'pagerduty',
  form: {
    label: 'PagerDuty',
    fields: [
      {
        name: 'routing_key',
        label: 'Integration key',
        hint: 'Service → Integrations → Events API v2: the 32-character integration (routing) key.',
        type: 'password',
        required: true,
      },
      {
        name: 'severity',
        label: 'Severity of down alerts',
        hint: 'Recoveries resolve the incident; test messages are always info.',
        type: 'select',
        required: false,
        default: 'critical',
        options: [
          { value: 'critical', label: 'critical' },
          { value: 'error', label: 'error' },
          { value: 'warning', label: 'warning' },
          { value: 'info', label: 'info' },
        ],
      },
    ],
  },
  settingsSchema,
  secretSettings: ['routing_key'],
  send: async (alert, settings, transports) =>
    opensNoIncident(alert)
      ? NOT_PAGED
      : post(transports, vendorUrl(transports, PAGERDUTY_EVENTS_URL), JSON.stringify(pagerDutyEvent(alert, settings)), {
          'content-type': 'application/json',
        }),
};
