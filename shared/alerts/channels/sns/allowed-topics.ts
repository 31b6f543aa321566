import { ValidationError } from '../../../errors';

/** The deploy setting operators change to allow more topics; named in every refusal. */
export const SNS_TOPICS_SETTING = 'snsChannelTopics';

/**
 * Which topics sns channels may name, as the stack's IAM grants them: ARNs where `*` matches any
 * run of characters (IAM's own wildcard), minus the stack's own topics. Checked when a channel is
 * saved, so a channel IAM would refuse is refused with a 400 instead of failing at every alert.
 */
export interface SnsTopicRules {
  /** Undefined: any topic (the sandbox, where no IAM applies). */
  readonly allowed?: readonly string[];
  /** The stack's alerts topic: a channel there would feed every alert back to the notifier. */
  readonly reserved: readonly string[];
}

export function checkTopicAllowed(topicArn: string, rules: SnsTopicRules): void {
  const allowed = rules.allowed === undefined || rules.allowed.some((pattern) => matchesArn(pattern, topicArn));
  if (!allowed || rules.reserved.includes(topicArn)) {
    throw ValidationError.of(
      'settings.topic_arn',
      `is not a topic this CronSentry may publish to; the operator allows topics with the deploy setting ${SNS_TOPICS_SETTING} (docs/deploy.md)`,
    );
  }
}

function matchesArn(pattern: string, arn: string): boolean {
  const expression = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${expression}$`).test(arn);
}
