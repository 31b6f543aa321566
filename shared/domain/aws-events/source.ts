/**
 * Which AWS resource a job watches (`aws_source`), and the one match key both sides compute: the
 * job when it claims the resource, an event when it looks for its job. The key is data, not a
 * pattern, so finding the job is a read by key, never a scan.
 */
export type AwsSource =
  | {
      readonly kind: 'ecs';
      /** Cluster name (an ARN is reduced to its name). */
      readonly cluster: string;
      readonly taskDefinitionFamily: string;
      /**
       * The containers whose exit codes decide the run (the essential ones). ECS events do not say
       * which containers are essential; unset = every container that reports an exit code.
       */
      readonly essentialContainers?: readonly string[];
    }
  | { readonly kind: 'batch'; readonly jobDefinition: string }
  | { readonly kind: 'stepfunctions'; readonly stateMachineArn: string }
  | { readonly kind: 'glue'; readonly jobName: string }
  | { readonly kind: 'codebuild'; readonly projectName: string }
  | { readonly kind: 'tag'; readonly key: string; readonly value: string };

export type AwsSourceKind = AwsSource['kind'];

/** JSON of the parts: no separator inside a name or a tag (which may hold `=` or `/`) can make two keys meet. */
function keyOf(...parts: string[]): string {
  return JSON.stringify(parts);
}

export const matchKeys = {
  ecs: (cluster: string, family: string) => keyOf('ecs', cluster, family),
  batch: (jobDefinition: string) => keyOf('batch', jobDefinition),
  stepfunctions: (stateMachineArn: string) => keyOf('stepfunctions', stateMachineArn),
  glue: (jobName: string) => keyOf('glue', jobName),
  codebuild: (projectName: string) => keyOf('codebuild', projectName),
  tag: (key: string, value: string) => keyOf('tag', key, value),
} as const;

export function matchKeyOf(source: AwsSource): string {
  switch (source.kind) {
    case 'ecs':
      return matchKeys.ecs(source.cluster, source.taskDefinitionFamily);
    case 'batch':
      return matchKeys.batch(source.jobDefinition);
    case 'stepfunctions':
      return matchKeys.stepfunctions(source.stateMachineArn);
    case 'glue':
      return matchKeys.glue(source.jobName);
    case 'codebuild':
      return matchKeys.codebuild(source.projectName);
    case 'tag':
      return matchKeys.tag(source.key, source.value);
  }
}

/** `arn:aws:ecs:…:cluster/default` → `default`; a plain name stays as it is. */
export function resourceName(arnOrName: string): string {
  if (!arnOrName.startsWith('arn:')) return arnOrName;
  const resource = arnOrName.split(':').slice(5).join(':');
  return resource.slice(resource.indexOf('/') + 1);
}

/** `nightly-report:4` or its task-definition / job-definition ARN → `nightly-report`. */
export function familyOf(arnOrName: string): string {
  return resourceName(arnOrName).replace(/:\d+$/, '');
}
