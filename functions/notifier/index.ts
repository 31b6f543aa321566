import { awsDeps, withLambdaContext } from '../aws-wiring';
import { buildNotifierHandler } from './handler';
import { createAlertingFor } from '../../shared/wiring/alerting';
import { awsAlertTransports } from '../../shared/wiring/aws-alert-transports';
import { createCore } from '../../shared/wiring/core';

const { settings, logger, deps, instrument } = awsDeps('notifier');
const alerts = createAlertingFor(createCore({ ...deps, alerts: awsAlertTransports(settings, instrument) }));

export const handler = withLambdaContext(logger, buildNotifierHandler({ notifier: alerts.notifier, logger }));
