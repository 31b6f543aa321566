import * as z from 'zod';
import { clip, type AwsRun, type EventEnvelope } from './run';
import { matchKeys } from './source';

const FAILURES = ['FAILED', 'TIMED_OUT', 'ABORTED'];

const detailSchema = z.looseObject({
  executionArn: z.string().min(1),
  stateMachineArn: z.string().min(1),
  status: z.string(),
  error: z.string().nullish(),
  cause: z.string().nullish(),
});

/** "Step Functions Execution Status Change": RUNNING starts; SUCCEEDED ends well; FAILED, TIMED_OUT, ABORTED fail. */
export function decodeStepFunctions(envelope: EventEnvelope): AwsRun | undefined {
  const parsed = detailSchema.safeParse(envelope.detail);
  if (!parsed.success) return undefined;
  const detail = parsed.data;
  const phase =
    detail.status === 'RUNNING'
      ? 'start'
      : detail.status === 'SUCCEEDED' || FAILURES.includes(detail.status)
        ? 'finish'
        : 'ignore';
  const reason = clip(
    [`execution ${detail.status.toLowerCase().replace('_', ' ')}`, detail.error, detail.cause]
      .filter(Boolean)
      .join(': '),
  );
  return {
    service: 'stepfunctions',
    runArn: detail.executionArn,
    state: detail.status,
    phase,
    matchKeys: [matchKeys.stepfunctions(detail.stateMachineArn)],
    judge: () => (detail.status === 'SUCCEEDED' ? { succeeded: true } : { succeeded: false, reason }),
    details: [
      `execution: ${detail.executionArn}`,
      `status: ${detail.status}`,
      ...(detail.error ? [`error: ${detail.error}`] : []),
      ...(detail.cause ? [`cause: ${detail.cause}`] : []),
    ],
  };
}
