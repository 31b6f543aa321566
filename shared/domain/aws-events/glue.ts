import * as z from 'zod';
import { clip, type AwsRun, type EventEnvelope } from './run';
import { matchKeys } from './source';

const FAILURES = ['FAILED', 'TIMEOUT', 'STOPPED'];

const detailSchema = z.looseObject({
  jobName: z.string().min(1),
  jobRunId: z.string().min(1),
  state: z.string(),
  message: z.string().optional(),
});

/**
 * "Glue Job State Change": Glue reports only the end of a run (SUCCEEDED, FAILED, TIMEOUT,
 * STOPPED), so there is no start; the run id is the job run's id (the event carries no run ARN).
 */
export function decodeGlue(envelope: EventEnvelope): AwsRun | undefined {
  const parsed = detailSchema.safeParse(envelope.detail);
  if (!parsed.success) return undefined;
  const detail = parsed.data;
  const phase = detail.state === 'SUCCEEDED' || FAILURES.includes(detail.state) ? 'finish' : 'ignore';
  return {
    service: 'glue',
    runArn: detail.jobRunId,
    state: detail.state,
    phase,
    matchKeys: [matchKeys.glue(detail.jobName)],
    judge: () =>
      detail.state === 'SUCCEEDED'
        ? { succeeded: true }
        : { succeeded: false, reason: clip(`job run ${detail.state}: ${detail.message ?? 'no message'}`) },
    details: [
      `job: ${detail.jobName}`,
      `job run: ${detail.jobRunId}`,
      `state: ${detail.state}`,
      ...(detail.message ? [`message: ${detail.message}`] : []),
    ],
  };
}
