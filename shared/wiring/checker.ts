import type { Core } from './core';
import { Checker } from '../app/checker';
import { fetchCanary, IntakeGuard } from '../app/intake-guard';

/** The checker's sweep and the ping-intake outage guard it runs beside it. */
export function createChecker(core: Core) {
  const { deps, settings } = core;
  const intakeGuard = new IntakeGuard(
    core.intake,
    core.jobRepository,
    deps.canary ?? fetchCanary,
    deps.operator ?? { notify: async () => undefined },
    core.logger,
    { canaryUrl: deps.canaryUrl ?? settings.CRONSENTRY_CANARY_URL, everyMs: settings.CRONSENTRY_CANARY_SECONDS * 1000 },
  );
  const checker = new Checker(core.jobRepository, core.outbox, core.logger, {
    maintenance: core.calendar,
    intake: intakeGuard,
    ...deps.checker,
  });
  return { checker, intakeGuard };
}
