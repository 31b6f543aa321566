import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServices } from '../../shared/wiring/services';
import { readSettings } from '../../shared/config';
import { createDocumentClient } from '../../shared/storage/document-client';
import { withLambdaContext } from '../aws-wiring';
import { buildMonitorHandler } from './handler';

const settings = readSettings();
const logger = new Logger({ serviceName: 'cronsentry-monitor', logLevel: settings.LOG_LEVEL });
// Creating, changing and deleting jobs flips nothing, so nothing is ever published here.
const services = createServices({
  documents: createDocumentClient(new DynamoDBClient({})),
  settings,
  logger,
  bus: {
    publish: () => Promise.reject(new Error('the monitor function publishes no alerts')),
  },
});

export const handler = withLambdaContext(logger, buildMonitorHandler({ jobs: services.jobs, clock: Date.now }));
