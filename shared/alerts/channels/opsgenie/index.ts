// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import { closesIncident, NOT_PAGED, opensNoIncident, type RenderedAlert } from '../../render';
import { clip, clipStart } from '../clip';
import { vendorUrl } from '../vendor-url';

/** Opsgenie's two instances: an account lives in one, and its keys work only there. */
export const OPSGENIE_API = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;
export const OPSGENIE_PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;

const settingsSchema = z.strictObject({
  api_key: z
    .string()
    .check(z.trim(), z.regex(/^[A-Za-z0-9-]{8,100}$/, 'must be the API key of an Opsgenie API integration')),
  region: z._default(z.enum(['us', 'eu'], { message: 'must be us or eu' }), 'us'),
  priority: z._default(z.enum(OPSGENIE_PRIORITIES), 'P3'),
});
export type OpsgenieSettings = z.infer<typeof settingsSchema>;

/** The Alert API's documented limits. */
const LIMITS = { message: 130, alias: 512, description: 15_000, entity: 512, tag: 50, tags: 20, note: 25_000 };

/** The alias ties an alert to its job: one open alert per job, closed by the recovery. */
function aliasOf(alert: RenderedAlert): string {
  return alert.test ? alert.message.notice.id : alert.message.job.id;
}

/** What to send: the path under the instance's origin and the JSON body. */
export function opsgenieRequest(alert: RenderedAlert, settings: OpsgenieSettings): { path: string; body: object } {
  const { job, notice } = alert.message;
  const alias = aliasOf(alert);
  if (closesIncident(alert)) {
    return {
      path: `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      body: { source: 'CronSentry', note: clip(`${alert.headline} ${notice.reason}`, LIMITS.note) },
    };
  }
  const details: Record<string, string> = Object.fromEntries(
    alert.facts.map((fact) => [fact.label, clip(fact.value, 500)]),
  );
  if (alert.dashboardUrl) details['Dashboard'] = alert.dashboardUrl;
  const tags = ['cronsentry', notice.to, ...job.tags, ...(alert.test ? ['test'] : [])];
  return {
    path: '/v2/alerts',
    body: {
      message: clip(alert.subject, LIMITS.message),
      alias,
      description: clip(alert.text, LIMITS.description),
      tags: [...new Set(tags.map((tag) => clip(tag, LIMITS.tag)))].slice(0, LIMITS.tags),
      details,
      entity: clip(job.name, LIMITS.entity),
      source: 'CronSentry',
      priority: alert.test ? 'P5' : settings.priority,
      ...(alert.output ? { note: clipStart(alert.output, 2000) } : {}),
    },
  };
}

/** Opsgenie through the Alert API: create on down (deduplicated by alias), close on recovery. */
export const opsgenieChannel: ChannelKind<OpsgenieSettings> = {
  kind: 'opsgenie',
  form: {
    label: 'Opsgenie',
    fields: [
      {
        name: 'api_key',
        label: 'API key',
        hint: 'Team → Integrations → API: the key of the integration.',
        type: 'password',
        required: true,
      },
      {
        name: 'region',
        label: 'Instance',
        hint: 'Where your Opsgenie account lives.',
        type: 'select',
        required: false,
        default: 'us',
        options: [
          { value: 'us', label: 'US (api.opsgenie.com)' },
          { value: 'eu', label: 'EU (api.eu.opsgenie.com)' },
        ],
      },
      {
        name: 'priority',
        label: 'Priority',
        hint: 'P1 is the highest.',
        type: 'select',
        required: false,
        default: 'P3',
        options: [
          { value: 'P1', label: 'P1' },
          { value: 'P2', label: 'P2' },
          { value: 'P3', label: 'P3' },
          { value: 'P4', label: 'P4' },
          { value: 'P5', label: 'P5' },
        ],
      },
    ],
  },
  settingsSchema,
  secretSettings: ['api_key'],
  async send(alert, settings, transports) {
    if (opensNoIncident(alert)) return NOT_PAGED;
    const { path, body } = opsgenieRequest(alert, settings);
    return post(transports, vendorUrl(transports, `${OPSGENIE_API[settings.region]}${path}`), JSON.stringify(body), {
      'content-type': 'application/json',
      authorization: `GenieKey ${settings.api_key}`,
    });
  },
};
