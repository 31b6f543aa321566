import { setTimeout as sleep } from 'node:timers/promises';
import { awsServices, withLambdaContext } from '../aws-wiring';
import { buildCheckerHandler } from './handler';

const { settings, logger, services } = awsServices('checker');

export const handler = withLambdaContext(
  logger,
  buildCheckerHandler({
    checker: services.checker,
    clock: Date.now,
    sleep: (ms) => sleep(ms),
    windowMs: settings.CHECKER_WINDOW_SECONDS * 1000,
    sweepEveryMs: settings.CRONSENTRY_SWEEP_SECONDS * 1000,
  }),
);
