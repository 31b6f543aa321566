/**
 * How alerts leave the process, as the channels (shared/alerts) use them and the adapters
 * (shared/adapters, the sandbox) implement them.
 */

/** Sends e-mail: SES on AWS, SMTP or a local outbox folder in the sandbox. */
export interface Mailer {
  /** Returns an identifier of the sent message, for the delivery record. */
  send(mail: { readonly to: readonly string[]; subject: string; text: string; html: string }): Promise<string>;
}

/** Publishes to a topic the user owns: the SNS client on AWS, a local stand-in in the sandbox. */
export interface TopicPublisher {
  publish(input: {
    readonly topicArn: string;
    readonly subject: string;
    readonly message: string;
    /** String attributes; an array becomes a `String.Array` attribute. */
    readonly attributes: Readonly<Record<string, string | string[]>>;
  }): Promise<string>;
}

/**
 * A delivery that did not work. `permanent`: the receiver said no (4xx other than 429, unusable
 * settings) and asking again would only repeat that. Otherwise it may work later; `retryAfterMs`
 * carries a receiver's Retry-After.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransportError';
    this.retryAfterMs = options?.retryAfterMs;
  }

  readonly retryAfterMs: number | undefined;
}
