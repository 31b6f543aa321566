import { setTimeout as sleep } from 'node:timers/promises';
import { awsDeps, withLambdaContext } from '../aws-wiring';
import { buildCheckerHandler } from './handler';
import { createChecker } from '../../shared/wiring/checker';
import { createCore } from '../../shared/wiring/core';

const { settings, logger, deps } = awsDeps('checker');
const { checker } = createChecker(createCore(deps));

export const handler = withLambdaContext(
  logger,
  buildCheckerHandler({
    checker,
    clock: Date.now,
    sleep: (ms) => sleep(ms),
    windowMs: settings.CHECKER_WINDOW_SECONDS * 1000,
    sweepEveryMs: settings.CRONSENTRY_SWEEP_SECONDS * 1000,
  }),
);
