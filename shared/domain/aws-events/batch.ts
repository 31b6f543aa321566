import * as z from 'zod';
import { clip, type AwsRun, type EventEnvelope } from './run';
import { familyOf, matchKeys } from './source';

/** A Batch job carries at most 50 tags; more keys would only make an unmatched event dearer. */
const MAX_TAG_KEYS = 50;

const exitSchema = z.looseObject({ exitCode: z.number().int().optional(), reason: z.string().optional() });
const detailSchema = z.looseObject({
  jobArn: z.string().min(1),
  jobName: z.string().optional(),
  jobDefinition: z.string().min(1),
  status: z.string(),
  statusReason: z.string().optional(),
  container: exitSchema.optional(),
  attempts: z
    .array(z.looseObject({ container: exitSchema.optional(), statusReason: z.string().optional() }))
    .default([]),
  tags: z.record(z.string(), z.string()).optional(),
});

/** "Batch Job State Change": RUNNING starts, SUCCEEDED and FAILED (with the status reason) end the run. */
export function decodeBatch(envelope: EventEnvelope): AwsRun | undefined {
  const parsed = detailSchema.safeParse(envelope.detail);
  if (!parsed.success) return undefined;
  const detail = parsed.data;
  const lastAttempt = detail.attempts[detail.attempts.length - 1];
  const exit = lastAttempt?.container ?? detail.container;
  const phase =
    detail.status === 'RUNNING'
      ? 'start'
      : detail.status === 'SUCCEEDED' || detail.status === 'FAILED'
        ? 'finish'
        : 'ignore';
  const tagKeys = Object.entries(detail.tags ?? {})
    .slice(0, MAX_TAG_KEYS)
    .map(([key, value]) => matchKeys.tag(key, value));
  const reason = clip([detail.statusReason, exit?.reason].filter(Boolean).join(': ') || 'the job failed');
  return {
    service: 'batch',
    runArn: detail.jobArn,
    state: detail.status,
    phase,
    matchKeys: [matchKeys.batch(familyOf(detail.jobDefinition)), ...tagKeys],
    judge: () =>
      detail.status === 'SUCCEEDED'
        ? { succeeded: true, exitCode: exit?.exitCode ?? 0 }
        : { succeeded: false, exitCode: exit?.exitCode, reason },
    details: [
      `job: ${detail.jobArn}${detail.jobName ? ` (${detail.jobName})` : ''}`,
      `job definition: ${detail.jobDefinition}`,
      ...(detail.statusReason ? [`status reason: ${detail.statusReason}`] : []),
      ...(exit?.exitCode !== undefined ? [`exit code: ${exit.exitCode}`] : []),
      ...(exit?.reason ? [`container reason: ${exit.reason}`] : []),
    ],
  };
}
