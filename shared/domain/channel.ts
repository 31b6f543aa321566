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
