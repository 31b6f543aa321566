import * as z from 'zod';
import { clip, type AwsRun, type ContainerExit, type EventEnvelope, type Judgement } from './run';
import { familyOf, matchKeys, resourceName, type AwsSource } from './source';

const detailSchema = z.looseObject({
  taskArn: z.string().min(1),
  clusterArn: z.string().min(1),
  taskDefinitionArn: z.string().min(1),
  lastStatus: z.string(),
  stopCode: z.string().optional(),
  stoppedReason: z.string().optional(),
  containers: z
    .array(z.looseObject({ name: z.string(), exitCode: z.number().int().optional(), reason: z.string().optional() }))
    .default([]),
});

/**
 * "ECS Task State Change": RUNNING starts the run; STOPPED ends it, successfully only when every
 * deciding container exited 0. A task that never started its containers (no exit codes, e.g.
 * `TaskFailedToStart`) failed, and says why.
 */
export function decodeEcs(envelope: EventEnvelope): AwsRun | undefined {
  const parsed = detailSchema.safeParse(envelope.detail);
  if (!parsed.success) return undefined;
  const detail = parsed.data;
  const containers: ContainerExit[] = detail.containers.map((c) => ({
    name: c.name,
    exitCode: c.exitCode,
    reason: c.reason,
  }));
  const phase = detail.lastStatus === 'RUNNING' ? 'start' : detail.lastStatus === 'STOPPED' ? 'finish' : 'ignore';
  const details = [
    `task: ${detail.taskArn}`,
    `task definition: ${detail.taskDefinitionArn}`,
    ...(detail.stopCode ? [`stop code: ${detail.stopCode}`] : []),
    ...(detail.stoppedReason ? [`stopped reason: ${detail.stoppedReason}`] : []),
    ...containers
      .filter((c) => c.exitCode !== undefined || c.reason)
      .map(
        (c) =>
          `container ${c.name}: ${c.exitCode !== undefined ? `exit code ${c.exitCode}` : 'no exit code'}${c.reason ? ` (${c.reason})` : ''}`,
      ),
  ];
  return {
    service: 'ecs',
    runArn: detail.taskArn,
    state: detail.lastStatus,
    phase,
    matchKeys: [matchKeys.ecs(resourceName(detail.clusterArn), familyOf(detail.taskDefinitionArn))],
    judge: (source) => judgeStoppedTask(containers, detail.stoppedReason, essentialOf(source)),
    details,
  };
}

function essentialOf(source: AwsSource | undefined): readonly string[] | undefined {
  return source?.kind === 'ecs' && source.essentialContainers?.length ? source.essentialContainers : undefined;
}

export function judgeStoppedTask(
  containers: readonly ContainerExit[],
  stoppedReason: string | undefined,
  essential?: readonly string[],
): Judgement {
  const deciding = essential ? containers.filter((c) => essential.includes(c.name)) : containers;
  const failed = deciding.find((c) => c.exitCode !== undefined && c.exitCode !== 0);
  const why = (container: ContainerExit) =>
    clip([`container ${container.name}`, container.reason, stoppedReason].filter(Boolean).join(': '));
  if (failed) return { succeeded: false, exitCode: failed.exitCode, reason: why(failed) };
  const exited = deciding.filter((c) => c.exitCode !== undefined);
  if (exited.length > 0 && exited.length === deciding.length) return { succeeded: true, exitCode: 0 };
  // Some deciding container has no exit code: it never ran (or ECS stopped the task under it).
  const silent = deciding.find((c) => c.exitCode === undefined);
  return {
    succeeded: false,
    reason: silent ? why(silent) : clip(stoppedReason ?? 'the task stopped without an exit code'),
  };
}
