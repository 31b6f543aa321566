import { createAlertingFor } from './alerting';
import { createChecker } from './checker';
import { createCore, type ServiceDeps } from './core';
import { createJobs, slugJobsOf } from './jobs';
import { createPingIntake } from './ping-intake';
import { AccessService } from '../app/access';
import { BadgeService } from '../app/badges';
import { HealthchecksApi } from '../app/healthchecks-api';
import { AwsEventsService } from '../app/aws-events-service';
import { MaintenanceService } from '../app/maintenance-service';

export type { ServiceDeps } from './core';
export type Services = ReturnType<typeof createServices>;

/**
 * Every use case wired at once: the sandbox, the api, the events and monitor functions, the CLI
 * and the tests. The ping, checker, notifier and badge functions wire only the features they call
 * (functions/<name>/index.ts); AWS and the sandbox differ only in `deps`.
 */
export function createServices(deps: ServiceDeps) {
  const core = createCore(deps);
  const alerts = createAlertingFor(core);
  const jobs = createJobs(core);
  const pings = createPingIntake(core, slugJobsOf(jobs));
  const { checker, intakeGuard } = createChecker(core);
  return {
    publicUrl: core.publicUrl,
    alerts,
    jobRepository: core.jobRepository,
    history: core.history,
    accessStores: core.access,
    outbox: core.outbox,
    access: new AccessService(core.access, core.jobRepository),
    pings,
    awsEvents: new AwsEventsService(core.awsSources, pings, deps.logger),
    checker,
    jobs,
    /** Healthchecks' Management API v3, translated onto `jobs`. */
    healthchecks: new HealthchecksApi(jobs, core.jobRepository, alerts.channels),
    badges: new BadgeService(core.access.projects, jobs),
    maintenance: new MaintenanceService(core.maintenanceWindows, core.jobRepository, core.calendar),
    intakeGuard,
  };
}
