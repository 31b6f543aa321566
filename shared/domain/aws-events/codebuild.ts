import * as z from 'zod';
import { clip, type AwsRun, type EventEnvelope } from './run';
import { matchKeys } from './source';

const FAILURES = ['FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED'];

const phaseSchema = z.looseObject({
  'phase-type': z.string().optional(),
  'phase-status': z.string().optional(),
  'phase-context': z.array(z.string()).optional(),
});

const detailSchema = z.looseObject({
  'build-id': z.string().min(1),
  'project-name': z.string().min(1),
  'build-status': z.string(),
  'additional-information': z.looseObject({ phases: z.array(phaseSchema).optional() }).optional(),
});

/** "CodeBuild Build State Change": IN_PROGRESS starts; SUCCEEDED ends well; FAILED, FAULT, TIMED_OUT, STOPPED fail. */
export function decodeCodeBuild(envelope: EventEnvelope): AwsRun | undefined {
  const parsed = detailSchema.safeParse(envelope.detail);
  if (!parsed.success) return undefined;
  const detail = parsed.data;
  const status = detail['build-status'];
  const phase =
    status === 'IN_PROGRESS' ? 'start' : status === 'SUCCEEDED' || FAILURES.includes(status) ? 'finish' : 'ignore';
  // The phase that did not succeed says why (e.g. `BUILD: COMMAND_EXECUTION_ERROR: … exit status 1`).
  const failedPhase = (detail['additional-information']?.phases ?? []).find(
    (p) => p['phase-status'] !== undefined && p['phase-status'] !== 'SUCCEEDED',
  );
  const phaseWhy = failedPhase
    ? [failedPhase['phase-type'], ...(failedPhase['phase-context'] ?? [])].filter(Boolean).join(': ')
    : undefined;
  return {
    service: 'codebuild',
    runArn: detail['build-id'],
    state: status,
    phase,
    matchKeys: [matchKeys.codebuild(detail['project-name'])],
    judge: () =>
      status === 'SUCCEEDED'
        ? { succeeded: true }
        : { succeeded: false, reason: clip(`build ${status}${phaseWhy ? `: ${phaseWhy}` : ''}`) },
    details: [`build: ${detail['build-id']}`, `status: ${status}`, ...(phaseWhy ? [`failed phase: ${phaseWhy}`] : [])],
  };
}
