import type { IProject } from 'aws-cdk-lib/aws-codebuild';
import { ContainerDefinition, type TaskDefinition, type ICluster } from 'aws-cdk-lib/aws-ecs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';

/** The `aws_source` JSON of a job (docs/aws-events.md); values may be CDK tokens. */
export type AwsSourceJson = Record<string, unknown>;

/**
 * Which AWS resource's state-change events ping the monitor's job. The CronSentry stack needs
 * `awsEvents` on for these to arrive; without a source, the job is pinged by curl or the CLI.
 */
export class MonitorSource {
  /**
   * Runs of an ECS task definition on a cluster. The containers the task definition marks
   * essential decide success, so a sidecar stopped with 143 after the job's container exited 0
   * is no failure.
   */
  static ecsTask(taskDefinition: TaskDefinition, cluster: ICluster): MonitorSource {
    const essential = taskDefinition.node.children
      .filter((child): child is ContainerDefinition => child instanceof ContainerDefinition && child.essential)
      .map((container) => container.containerName);
    return new MonitorSource({
      kind: 'ecs',
      cluster: cluster.clusterName,
      task_definition_family: taskDefinition.family,
      ...(essential.length > 0 ? { essential_containers: essential } : {}),
    });
  }

  /** Executions of a Step Functions state machine (standard workflows emit the events). */
  static stepFunction(stateMachine: IStateMachine): MonitorSource {
    return new MonitorSource({ kind: 'stepfunctions', state_machine_arn: stateMachine.stateMachineArn });
  }

  /** AWS Batch jobs of a job definition (its name, without the revision). */
  static batchJob(jobDefinitionName: string): MonitorSource {
    return new MonitorSource({ kind: 'batch', job_definition: jobDefinitionName });
  }

  /** Runs of an AWS Glue job. */
  static glueJob(jobName: string): MonitorSource {
    return new MonitorSource({ kind: 'glue', job_name: jobName });
  }

  /** Builds of a CodeBuild project. */
  static codeBuildProject(project: IProject): MonitorSource {
    return new MonitorSource({ kind: 'codebuild', project_name: project.projectName });
  }

  /** Any resource whose events carry this tag (AWS Batch jobs do). */
  static tag(key: string, value: string): MonitorSource {
    return new MonitorSource({ tag: { key, value } });
  }

  private constructor(readonly json: AwsSourceJson) {}
}
