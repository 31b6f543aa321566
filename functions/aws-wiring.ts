// First: stack traces map to our TypeScript from the first module on (see the module).
import './source-mapped-stacks';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  jsonLinesSink,
  recordAwsCalls,
  type FunctionName,
  type RecordableClient,
} from '../shared/adapters/aws-call-recorder';
import { SnsAlertBus } from '../shared/adapters/sns-alert-bus';
import { SnsOperatorAlerts } from '../shared/adapters/sns-operator-alerts';
import type { ServiceDeps } from '../shared/wiring/core';
import { readSettings, type Settings } from '../shared/config';
import { createDocumentClient } from '../shared/storage/document-client';

/** The functions whose role may publish to the alerts topic (infra/constructs: http-api.ts, checker.ts, aws-events.ts). */
const ALERT_PUBLISHERS: readonly FunctionName[] = ['ping', 'checker', 'events'];

/**
 * What every AWS composition root starts from, run once per Lambda container (module scope):
 * settings are checked and clients built at cold start, so a misconfigured function fails before
 * its first request. Each function wires on it only the features it calls (its index.ts), so that
 * it loads no more at cold start; `instrument` is for the clients a function adds itself.
 */
export function awsDeps(name: FunctionName) {
  const settings = readSettings();
  const logger = new Logger({ serviceName: `cronsentry-${name}`, logLevel: settings.LOG_LEVEL });
  if (!settings.ALERTS_TOPIC_ARN) throw new Error('ALERTS_TOPIC_ARN must be set on AWS');
  const instrument = callRecorder(name, settings);
  const documents = createDocumentClient(instrument(new DynamoDBClient({})));
  // One client for the alerts and the operator topic (both in the stack's region): each client built
  // is cold-start time, and only what publishes builds one.
  let sns: SNSClient | undefined;
  const stackTopics = () => (sns ??= instrument(new SNSClient({})));
  const deps: ServiceDeps = {
    documents,
    settings,
    logger,
    // Only these roles may publish to the alerts topic: the api's may not (a channel test must never
    // reach it), so the notices an api request meets stay in the outbox for the checker's next sweep;
    // badges only read; the notifier is denied it (it delivers what the topic hands it).
    bus: ALERT_PUBLISHERS.includes(name) ? new SnsAlertBus(stackTopics(), settings.ALERTS_TOPIC_ARN) : undefined,
    ...(settings.OPERATOR_TOPIC_ARN
      ? { operator: new SnsOperatorAlerts(stackTopics(), settings.OPERATOR_TOPIC_ARN) }
      : {}),
  };
  return { settings, logger, deps, instrument };
}

/**
 * Tests only (test/infra/iam.test.ts): with CRONSENTRY_AWS_CALL_LOG set, every client records each
 * call's IAM action and resource to that file. The stack never sets the variable (a CDK test checks
 * it), so on AWS this returns clients untouched; and what it would write is action names and ARNs,
 * never data.
 */
function callRecorder(name: FunctionName, settings: Settings) {
  const file = settings.CRONSENTRY_AWS_CALL_LOG;
  const sink = file ? jsonLinesSink(file) : undefined;
  return <C extends RecordableClient>(client: C): C => {
    if (sink) {
      recordAwsCalls(client, {
        functionOf: () => name,
        sink,
        account: settings.ALERTS_TOPIC_ARN?.split(':')[4] ?? '',
        tableName: settings.TABLE_NAME,
        alertsTopicArn: settings.ALERTS_TOPIC_ARN,
        operatorTopicArn: settings.OPERATOR_TOPIC_ARN,
      });
    }
    return client;
  };
}

/**
 * The Lambda entry point: every log line of the invocation carries the Lambda context (request
 * id, function name and version, cold start), as Powertools adds it.
 */
export function withLambdaContext<E, R>(logger: Logger, handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler).use(injectLambdaContext(logger));
}
