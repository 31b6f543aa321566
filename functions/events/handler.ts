import type { AwsEventResult, AwsEventsService } from '../../shared/app/aws-events-service';
import { envelopeSchema } from '../../shared/app/aws-event-input';
import type { Logger } from '../../shared/app/logger';

export interface EventsHandlerDeps {
  readonly events: Pick<AwsEventsService, 'handle'>;
  readonly clock: () => number;
  readonly logger: Pick<Logger, 'warn'>;
}

/**
 * The events Lambda: EventBridge hands it one state-change event of the account's default bus.
 * What cannot be read is logged and dropped (a retry would not make it readable); a store error
 * throws, so that Lambda's asynchronous retries try again.
 */
export function buildEventsHandler(deps: EventsHandlerDeps) {
  return async (event: unknown): Promise<AwsEventResult> => {
    const parsed = envelopeSchema.safeParse(event);
    if (!parsed.success) {
      deps.logger.warn('dropped an invocation that is not an EventBridge event', {
        problem: parsed.error.issues[0]?.path.join('.') || 'body',
      });
      return { outcome: 'malformed' };
    }
    return deps.events.handle(parsed.data, deps.clock());
  };
}
