import type { ZodMiniType } from 'zod/mini';
import type { SnsTopicRules } from './channels/sns/allowed-topics';
import type { DestinationPolicy } from './destinations';
import type { RenderedAlert } from './render';
import type { Mailer, TopicPublisher } from '../app/alert-ports';

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
  /** zod's mini API (the notifier loads every kind's at cold start; shared/config.ts says why). */
  readonly settingsSchema: ZodMiniType<S>;
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
