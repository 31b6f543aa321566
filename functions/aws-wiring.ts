import { Logger } from '@aws-lambda-powertools/logger';
import { SNSClient } from '@aws-sdk/client-sns';
import { awsAlertTransports } from '../shared/adapters/aws-alert-transports';
import { SnsAlertBus } from '../shared/adapters/sns-alert-bus';
import { createServices } from '../shared/app/services';
import { readSettings } from '../shared/config';
import { createDocumentClient } from '../shared/storage/document-client';

/**
 * The AWS composition root, run once per Lambda container (module scope): settings are checked
 * and clients built at cold start, so a misconfigured function fails before its first request.
 */
export function awsServices(serviceName: string) {
  const settings = readSettings();
  const logger = new Logger({ serviceName, logLevel: settings.LOG_LEVEL });
  if (!settings.ALERTS_TOPIC_ARN) throw new Error('ALERTS_TOPIC_ARN must be set on AWS');
  const documents = createDocumentClient();
  const services = createServices({
    documents,
    settings,
    logger,
    bus: new SnsAlertBus(new SNSClient({}), settings.ALERTS_TOPIC_ARN),
    alerts: awsAlertTransports(settings),
  });
  return { settings, logger, services };
}
