import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { Principal } from '../../shared/app/access';
import { parseJobCreate, parseJobUpdate } from '../../shared/app/job-input';
import type { JobsService } from '../../shared/app/jobs-service';
import { NotFoundError } from '../../shared/errors';

/** What `CronSentryMonitor` puts on its custom resource (CloudFormation passes every value as a string). */
export interface MonitorResourceProperties {
  /** The project the job belongs to. */
  readonly ProjectId: string;
  /** The job as `POST /api/jobs` takes it, JSON-encoded so that numbers and nulls survive CloudFormation. */
  readonly Job: string;
}

export interface MonitorHandlerDeps {
  readonly jobs: Pick<JobsService, 'create' | 'update' | 'remove'>;
  readonly clock: () => number;
}

export interface MonitorResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly JobId: string };
}

/**
 * The custom resource behind `CronSentryMonitor` (the Provider framework calls it): creates,
 * updates and deletes one job, acting for the project named in the resource with the function's
 * own IAM rights on the table, as the CLI's `--table` mode does; no API key exists in the template.
 * The physical id is the job id. Invalid input fails the deployment with the API's own message.
 */
export function buildMonitorHandler(deps: MonitorHandlerDeps) {
  return async (event: CloudFormationCustomResourceEvent): Promise<MonitorResponse> => {
    const props = event.ResourceProperties as unknown as MonitorResourceProperties;
    const principal: Principal = { projectId: props.ProjectId, keyId: 'cloudformation', role: 'read-write' };
    const now = deps.clock();
    switch (event.RequestType) {
      case 'Create': {
        const job = await deps.jobs.create(principal, parseJobCreate(JSON.parse(props.Job)), now);
        return { PhysicalResourceId: job.state.id, Data: { JobId: job.state.id } };
      }
      case 'Update': {
        const before = event.OldResourceProperties as unknown as MonitorResourceProperties;
        if (before.ProjectId !== props.ProjectId) {
          // Another project: a new job; CloudFormation then deletes the old one (a new physical id).
          const job = await deps.jobs.create(principal, parseJobCreate(JSON.parse(props.Job)), now);
          return { PhysicalResourceId: job.state.id, Data: { JobId: job.state.id } };
        }
        const job = await deps.jobs.update(
          principal,
          event.PhysicalResourceId,
          parseJobUpdate(JSON.parse(props.Job)),
          now,
        );
        return { PhysicalResourceId: job.state.id, Data: { JobId: job.state.id } };
      }
      case 'Delete': {
        try {
          await deps.jobs.remove(principal, event.PhysicalResourceId);
        } catch (error) {
          // Deleted already (by hand, or by an earlier attempt): the resource is gone either way.
          if (!(error instanceof NotFoundError)) throw error;
        }
        return { PhysicalResourceId: event.PhysicalResourceId };
      }
    }
  };
}
