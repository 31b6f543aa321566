import { awsDeps, withLambdaContext } from '../aws-wiring';
import { buildNotifierHandler } from './handler';
import { alertingDepsOf, createDelivery } from '../../shared/wiring/delivery';
import { awsAlertTransports } from '../../shared/wiring/aws-alert-transports';
import { createCore } from '../../shared/wiring/core';

const { settings, logger, deps, instrument } = awsDeps('notifier');
const { notifier } = createDelivery(
  alertingDepsOf(createCore({ ...deps, alerts: awsAlertTransports(settings, instrument) })),
);

export const handler = withLambdaContext(logger, buildNotifierHandler({ notifier, logger }));
