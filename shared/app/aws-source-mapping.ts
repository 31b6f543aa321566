import type { AwsSource } from '../domain/aws-events/source';
import type { AwsSourceInput } from './aws-source-input';

// `aws_source` between the API's JSON and the domain, apart from its schema (./aws-source-input.ts)
// for what needs no schema (see ./job-draft.ts).

export function toAwsSource(input: AwsSourceInput): AwsSource {
  if ('tag' in input) return { kind: 'tag', key: input.tag.key, value: input.tag.value };
  switch (input.kind) {
    case 'ecs':
      return {
        kind: 'ecs',
        cluster: input.cluster,
        taskDefinitionFamily: input.task_definition_family,
        ...(input.essential_containers ? { essentialContainers: [...new Set(input.essential_containers)] } : {}),
      };
    case 'batch':
      return { kind: 'batch', jobDefinition: input.job_definition };
    case 'stepfunctions':
      return { kind: 'stepfunctions', stateMachineArn: input.state_machine_arn };
    case 'glue':
      return { kind: 'glue', jobName: input.job_name };
    case 'codebuild':
      return { kind: 'codebuild', projectName: input.project_name };
  }
}

/** The JSON form the API returns, the same shape it accepts. */
export function awsSourceView(source: AwsSource | undefined) {
  if (!source) return null;
  switch (source.kind) {
    case 'ecs':
      return {
        kind: 'ecs',
        cluster: source.cluster,
        task_definition_family: source.taskDefinitionFamily,
        ...(source.essentialContainers ? { essential_containers: source.essentialContainers } : {}),
      };
    case 'batch':
      return { kind: 'batch', job_definition: source.jobDefinition };
    case 'stepfunctions':
      return { kind: 'stepfunctions', state_machine_arn: source.stateMachineArn };
    case 'glue':
      return { kind: 'glue', job_name: source.jobName };
    case 'codebuild':
      return { kind: 'codebuild', project_name: source.projectName };
    case 'tag':
      return { tag: { key: source.key, value: source.value } };
  }
}
