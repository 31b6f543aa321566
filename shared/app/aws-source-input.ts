import * as z from 'zod';
import { familyOf, resourceName } from '../domain/aws-events/source';

/** ECS, Batch, CodeBuild and Glue names: letters, digits, `-` and `_` (Glue also allows `.`, spaces and more). */
const awsName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255)
  .regex(/^[\p{L}\p{N}_.:/ -]+$/u, 'must be a name or an ARN');
const arnOrName = awsName.transform(resourceName);
const family = awsName.transform(familyOf);
const stateMachineArn = z
  .string()
  .trim()
  .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/, 'must be a state machine ARN');

/**
 * `aws_source`: the AWS resource whose state-change events ping the job (docs/aws-events.md).
 * Names may be given as ARNs; the stored form is the name the events carry.
 */
export const awsSourceInput = z.union(
  [
    z
      .object({
        kind: z.literal('ecs'),
        cluster: arnOrName,
        task_definition_family: family,
        essential_containers: z.array(awsName).min(1).max(10).optional(),
      })
      .strict(),
    z.object({ kind: z.literal('batch'), job_definition: family }).strict(),
    z.object({ kind: z.literal('stepfunctions'), state_machine_arn: stateMachineArn }).strict(),
    z.object({ kind: z.literal('glue'), job_name: awsName }).strict(),
    z.object({ kind: z.literal('codebuild'), project_name: awsName }).strict(),
    z
      .object({
        tag: z.object({ key: z.string().min(1).max(128), value: z.string().max(256) }).strict(),
      })
      .strict(),
  ],
  {
    error:
      'must be {"kind":"ecs","cluster","task_definition_family"}, {"kind":"batch","job_definition"}, ' +
      '{"kind":"stepfunctions","state_machine_arn"}, {"kind":"glue","job_name"}, {"kind":"codebuild","project_name"} ' +
      'or {"tag":{"key","value"}}',
  },
);

export type AwsSourceInput = z.infer<typeof awsSourceInput>;
