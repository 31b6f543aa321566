import type { z } from 'zod';
import type { SnsTopicRules } from './channels/sns/allowed-topics';
import type { DestinationPolicy } from './destinations';
import type { RenderedAlert } from './render';

/** Which alerts a channel wants. Reminders go to channels that want `down`: the job is still down. */
export const CHANNEL_EVENTS = ['down', 'up'] as const;
export type ChannelEvent = (typeof CHANNEL_EVENTS)[number];

export const DELIVERY_OUTCOMES = ['sending', 'sent', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** The last thing that happened on a channel, shown next to it so a broken webhook gets noticed. */
export interface LastDelivery {
  readonly at: number;
  readonly outcome: 'sent' | 'failed';
  readonly error?: string;
}

/** A channel as stored: where alerts of a project go. `settings` follow the kind's schema. */
export interface ChannelRecord {
  readonly id: string;
  readonly projectId: string;
  readonly kind: string;
  readonly name: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly events: readonly ChannelEvent[];
  readonly isDefault: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastDelivery?: LastDelivery;
}

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

/** What channels may use to reach the outside world; injected so tests and the sandbox differ only here. */
export interface AlertTransports {
  /** Which addresses HTTP channels may reach (every HTTP send goes through http.ts `post`); public only when absent. */
  readonly destinations?: DestinationPolicy;
  /** Absent where no e-mail can be sent (no verified sender configured). */
  readonly mailer?: Mailer;
  /** Absent where no SNS is reachable. */
  readonly topics?: TopicPublisher;
  /** How long one HTTP attempt may take. */
  readonly httpTimeoutMs: number;
  /** The clock, for what must carry the sending time (a webhook signature). */
  readonly clock: () => number;
  /**
   * Test-only: a hosted vendor's fixed origin (`https://events.pagerduty.com`) mapped to a local
   * fake of its API. No production wiring sets it and no channel setting reaches it.
   */
  readonly vendorOrigins?: Readonly<Record<string, string>>;
}

/** One setting as a form shows it (the dashboard builds its channel form from these, via the API). */
export interface SettingField {
  readonly name: string;
  readonly label: string;
  readonly hint: string;
  /** `list`: comma-separated in the form, an array in the settings. */
  readonly type: 'url' | 'text' | 'password' | 'list' | 'select';
  readonly required: boolean;
  /** For `select`: the values, each with its label. */
  readonly options?: readonly { readonly value: string; readonly label: string }[];
  /** The value the API uses when none is given. */
  readonly default?: string;
}

/** How people recognise a kind and fill in its settings. */
export interface ChannelForm {
  readonly label: string;
  readonly fields: readonly SettingField[];
}

/**
 * One kind of channel: how its settings look, which of them are secret, and how it sends.
 * `send` throws a TransportError: permanent when trying again cannot help (4xx, bad settings),
 * transient otherwise; it returns a short detail for the delivery record.
 */
export interface ChannelKind<S = Record<string, unknown>> {
  readonly kind: string;
  readonly form: ChannelForm;
  readonly settingsSchema: z.ZodType<S>;
  /** Setting names whose values are never returned in full after creation. */
  readonly secretSettings: readonly string[];
  send(alert: RenderedAlert, settings: S, transports: AlertTransports): Promise<string>;
  /**
   * Refuses (with a ValidationError) settings the schema accepts but this deployment does not,
   * such as a topic the stack's IAM grants no publish to. Runs when a channel is saved.
   */
  admit?(settings: S, rules: ChannelRules): void;
}

/** What the deployment allows channels to reach, beyond what each kind's schema says. */
export interface ChannelRules {
  readonly snsTopics: SnsTopicRules;
}

/** No deployment limits: any topic (the sandbox and tests that do not test the limits). */
export const OPEN_CHANNEL_RULES: ChannelRules = { snsTopics: { reserved: [] } };

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
