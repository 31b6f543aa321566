import type { SNSEvent } from 'aws-lambda';
// zod's mini API: this is the notifier's whole input schema, built at its cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { AlertMessage } from '../../shared/app/alert-bus';
import { ALERT_EVENTS } from '../../shared/app/alert-bus';
import type { Logger } from '../../shared/app/logger';
import type { Notifier } from '../../shared/alerts/notifier';

export interface NotifierHandlerDeps {
  readonly notifier: Pick<Notifier, 'deliver'>;
  readonly logger: Pick<Logger, 'error'>;
}

/** The parts of a message the notifier relies on; the rest is passed through to the channels. */
const messageShape = z.looseObject({
  event: z.enum(ALERT_EVENTS),
  notice: z.looseObject({ id: z.string().check(z.minLength(1)), at: z.number(), to: z.string(), from: z.string() }),
  job: z.looseObject({
    id: z.string(),
    projectId: z.string().check(z.minLength(1)),
    name: z.string(),
    channelIds: z.array(z.string()),
  }),
});

/**
 * The notifier Lambda, subscribed to the alerts topic. A message it cannot read is logged and
 * dropped (retrying cannot fix it); a delivery that may still succeed throws, so that Lambda
 * retries the event and finally hands it to the failure queue. Channels already served are
 * skipped on a retry: each (notice, channel) is claimed once.
 */
export function buildNotifierHandler(deps: NotifierHandlerDeps) {
  return async (event: SNSEvent): Promise<void> => {
    for (const record of event.Records) {
      let message: AlertMessage;
      try {
        message = messageShape.parse(JSON.parse(record.Sns.Message)) as unknown as AlertMessage;
      } catch (error) {
        deps.logger.error('unreadable alert message dropped', {
          messageId: record.Sns.MessageId,
          error: (error as Error).message.slice(0, 500),
        });
        continue;
      }
      await deps.notifier.deliver(message);
    }
  };
}
