import { setTimeout as sleep } from 'node:timers/promises';
import { awsServices } from '../aws-wiring';
import { buildCheckerHandler } from './handler';

const { settings, services } = awsServices('checker');

export const handler = buildCheckerHandler({
  checker: services.checker,
  clock: Date.now,
  sleep: (ms) => sleep(ms),
  windowMs: settings.CHECKER_WINDOW_SECONDS * 1000,
  sweepEveryMs: settings.CRONSENTRY_SWEEP_SECONDS * 1000,
});
