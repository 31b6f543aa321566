import { Aws, Duration, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import type { IDestination } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag';
import { HANDLER_ENTRIES, HandlerFunction } from './handler-function';
import type { CronSentryTable } from './table';

export interface AlertsProps {
  readonly table: CronSentryTable;
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Verified SES identity the notifier sends e-mail from (an address, whose domain may be the
   * verified identity instead). Without it the notifier gets no SES permission at all.
   * @default - no e-mail channel
   */
  readonly alertEmailFrom?: string;
  /**
   * Verified recipients while the account is in the SES sandbox, where SES also checks the
   * sender's permission on each recipient identity.
   * @default - none (production access)
   */
  readonly sesSandboxRecipients?: readonly string[];
  /**
   * Topics sns channels may publish to: ARNs, or topic names of the stack's account and region,
   * `*` matching any characters (infra/settings.ts `snsChannelTopics`).
   * @default ['cronsentry-*']
   */
  readonly channelTopics?: readonly string[];
  readonly logRetention: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The alert fan-out: every flip is published to one SNS topic. Users subscribe their own endpoints
 * (e-mail, SMS, HTTPS, SQS, Lambda) to it; the notifier function is one more subscriber and
 * delivers to the channels configured in CronSentry (SES e-mail, Slack, Discord, webhooks, users'
 * own SNS topics). What the notifier cannot deliver after Lambda's retries lands in the failure
 * queue, which the monitoring construct alarms on.
 */
export class Alerts extends Construct {
  readonly topic: Topic;
  readonly failureQueue: Queue;
  readonly notifier: HandlerFunction;
  /** ARN patterns of the topics sns channels may name: all that channel delivery may publish to. */
  readonly channelTopicArns: readonly string[];
  private readonly alertEmailFrom?: string;
  private readonly sesSandboxRecipients: readonly string[];
  private readonly deliverers: HandlerFunction[] = [];

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);

    this.topic = new Topic(this, 'Topic', {
      displayName: 'CronSentry alerts',
      enforceSSL: true,
      // The AWS managed key: encrypted at rest with no key to pay for; publishers in this account
      // (our functions) need no KMS statement, and SNS decrypts before delivering to subscribers.
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });

    this.failureQueue = new Queue(this, 'DeliveryFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the notifier (Lambda on-failure and SNS redrive).',
    });

    this.notifier = new HandlerFunction(this, 'Notifier', {
      entry: HANDLER_ENTRIES.notifier,
      description: 'CronSentry notifier: delivers flips to e-mail, chat, webhooks and SNS channels',
      environment: { ...props.environment, ALERTS_TOPIC_ARN: this.topic.topicArn },
      // One message fans out to every channel of the job, each with its own retries and timeouts.
      timeout: Duration.seconds(60),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    // Reads the job's channels (BatchGetItem), claims each delivery and records its outcome on the
    // delivery and the channel (conditional UpdateItem), and reads recent pings and flips for the
    // message (Query). Nothing else: test/infra/iam.test.ts checks every grant against the calls.
    this.notifier.role.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        resources: [props.table.table.tableArn],
      }),
    );
    this.alertEmailFrom = props.alertEmailFrom;
    this.sesSandboxRecipients = props.sesSandboxRecipients ?? [];
    this.channelTopicArns = (props.channelTopics ?? ['cronsentry-*']).map((topic) =>
      topic.startsWith('arn:') ? topic : `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:${topic}`,
    );
    this.allowChannelDelivery(this.notifier);

    // SNS invokes the notifier asynchronously: Lambda retries twice, then hands the event to the
    // failure queue. Messages SNS itself cannot hand to Lambda land in the same queue.
    this.notifier.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: sendOnlyQueueDestination(this.failureQueue),
    });
    this.topic.addSubscription(new LambdaSubscription(this.notifier.function, { deadLetterQueue: this.failureQueue }));
  }

  /**
   * What sending to a channel takes, for the notifier and for the api (which sends channel test
   * messages itself): ses:SendEmail as the configured sender only, and sns:Publish to the topics
   * the operator allows channels (`snsChannelTopics`), which the function also gets as
   * SNS_CHANNEL_TOPICS so that it refuses other topics when a channel is saved. HTTP channels
   * (Slack, Discord, webhooks) need no AWS permission. The stack's own topics are denied in
   * `denyPublishTo` once they all exist.
   */
  allowChannelDelivery(handler: HandlerFunction): void {
    const stack = Stack.of(this);
    const role = handler.role;
    this.deliverers.push(handler);
    if (this.alertEmailFrom) {
      handler.function.addEnvironment('ALERT_EMAIL_FROM', this.alertEmailFrom);
      role.addToPolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            ...sesIdentityArns(stack, this.alertEmailFrom),
            ...this.sesSandboxRecipients.map((address) => sesIdentityArn(stack, address)),
          ],
        }),
      );
    }
    handler.function.addEnvironment('SNS_CHANNEL_TOPICS', this.channelTopicArns.join(','));
    role.addToPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [...this.channelTopicArns] }));
    for (const pattern of this.channelTopicArns.filter((arn) => arn.includes('*'))) {
      acknowledgeWildcardResource(
        role,
        pattern,
        'The sns channel publishes to topics users name at run time, so their ARNs cannot be listed at deploy ' +
          'time: only sns:Publish, and only to the topics the operator allows with snsChannelTopics.',
      );
    }
  }

  /**
   * Explicit Deny on the stack's own topics for every role that delivers to channels, so that no
   * allowed pattern (a stack named `cronsentry-…` names its topics `cronsentry-…` too) lets a
   * tenant's channel post into the alerts topic (where it would loop through the notifier) or the
   * operator topic.
   */
  denyPublishTo(topicArns: readonly string[]): void {
    for (const handler of this.deliverers) {
      handler.role.addToPolicy(
        new PolicyStatement({ effect: Effect.DENY, actions: ['sns:Publish'], resources: [...topicArns] }),
      );
    }
  }
}

/**
 * The on-failure destination with the one permission Lambda uses to hand it a failed event
 * (sqs:SendMessage, with the function's role). aws-cdk-lib's SqsDestination grants
 * GetQueueAttributes and GetQueueUrl as well, which nothing ever calls.
 */
function sendOnlyQueueDestination(queue: Queue): IDestination {
  return {
    bind: (_scope, fn) => {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
      return { destination: queue.queueArn };
    },
  };
}

/**
 * SES authorizes a send against the verified identity, which is either the address itself or its
 * domain; which of the two the user verified is not known here, so both are allowed.
 */
export function sesIdentityArns(stack: Stack, address: string): string[] {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return [address, domain].map((identity) => sesIdentityArn(stack, identity));
}

function sesIdentityArn(stack: Stack, identity: string): string {
  return stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
}
