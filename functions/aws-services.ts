import { awsDeps } from './aws-wiring';
import type { FunctionName } from '../shared/adapters/aws-call-recorder';
import { awsAlertTransports } from '../shared/wiring/aws-alert-transports';
import { createServices } from '../shared/wiring/services';

/**
 * Every use case wired on AWS, for the functions that serve most of them (the api, the events
 * function). Alerts leave through SES and SNS (a channel test from the api sends one).
 */
export function awsServices(name: FunctionName) {
  const { settings, logger, deps, instrument } = awsDeps(name);
  const services = createServices({ ...deps, alerts: awsAlertTransports(settings, instrument) });
  return { settings, logger, services };
}
