import * as z from 'zod';
import { decodeAwsEvent, type EventEnvelope } from '../domain/aws-events';
import { ValidationError } from '../errors';
import { parseInput } from './validation';

/** `aws events put-events` takes at most 10 entries a call; so does `POST /api/aws-events`. */
export const MAX_EVENTS_PER_REQUEST = 10;

/** An EventBridge envelope as a rule's target receives it (unknown fields are kept, not refused). */
export const envelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.string().min(1).max(128),
  source: z.string().min(1).max(256),
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.string()).max(100).optional(),
  detail: z.record(z.string(), z.unknown()),
});

/** One `put-events` entry: the envelope's fields in PascalCase, `Detail` a JSON string. */
const putEventsEntry = z
  .object({
    Source: z.string().min(1).max(256),
    DetailType: z.string().min(1).max(128),
    Detail: z
      .string()
      .min(2)
      .max(256 * 1024),
    Resources: z.array(z.string()).max(100).optional(),
    Time: z.string().optional(),
    EventBusName: z.string().optional(),
  })
  .strict();

export const putEventsSchema = z
  .object({ Entries: z.array(putEventsEntry).min(1).max(MAX_EVENTS_PER_REQUEST) })
  .strict();
export const batchSchema = z.array(envelopeSchema).min(1).max(MAX_EVENTS_PER_REQUEST);

/**
 * The events of `POST /api/aws-events`: one envelope, an array of them, or `put-events` entries.
 * Every event must be one CronSentry reads, or the request is refused whole, naming the entry.
 */
export function parseAwsEventsBody(body: unknown): EventEnvelope[] {
  // The shape is chosen first, so that a problem is named inside it (`Entries.0.Detail`, `1.source`).
  let entries: EventEnvelope[];
  let prefix: (i: number) => string;
  if (Array.isArray(body)) {
    [entries, prefix] = [parseInput(batchSchema, body), (i) => `${i}.`];
  } else if (typeof body === 'object' && body !== null && 'Entries' in body) {
    [entries, prefix] = [parseInput(putEventsSchema, body).Entries.map(fromEntry), (i) => `Entries.${i}.`];
  } else {
    [entries, prefix] = [[parseInput(envelopeSchema, body)], () => ''];
  }
  entries.forEach((envelope, i) => {
    const decoded = decodeAwsEvent(envelope);
    if (decoded.ok) return;
    if (decoded.problem === 'unsupported') {
      throw ValidationError.of(
        `${prefix(i)}detail-type`,
        `"${envelope.source}" / "${envelope['detail-type']}" is not an event CronSentry maps (see docs/aws-events.md)`,
      );
    }
    throw ValidationError.of(`${prefix(i)}detail`, `is not a "${envelope['detail-type']}" detail CronSentry can read`);
  });
  return entries;
}

type PutEventsEntry = z.infer<typeof putEventsEntry>;

function fromEntry(entry: PutEventsEntry, i: number): EventEnvelope {
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    throw ValidationError.of(`Entries.${i}.Detail`, 'is not valid JSON');
  }
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
    throw ValidationError.of(`Entries.${i}.Detail`, 'must be a JSON object');
  }
  return {
    source: entry.Source,
    'detail-type': entry.DetailType,
    detail: detail as Record<string, unknown>,
    ...(entry.Resources ? { resources: entry.Resources } : {}),
    ...(entry.Time ? { time: entry.Time } : {}),
  };
}
