import type { ChannelKind } from './channel';
import { discordChannel } from './channels/discord';
import { emailChannel } from './channels/email';
import { slackChannel } from './channels/slack';
import { snsChannel } from './channels/sns';
import { webhookChannel } from './channels/webhook';

/**
 * Every channel kind, by name: the one place a new kind is registered (see docs/alerts.md).
 * Settings are validated by the kind's schema before anything reaches `send`, so the cast in
 * `channelKindOf` is only the registry forgetting each kind's own settings type.
 */
const KINDS = [emailChannel, slackChannel, discordChannel, webhookChannel, snsChannel] as const;

export const CHANNEL_KINDS = KINDS.map((kind) => kind.kind) as [string, ...string[]];

const BY_NAME = new Map<string, ChannelKind>(KINDS.map((kind) => [kind.kind, kind as unknown as ChannelKind]));

export function channelKindOf(kind: string): ChannelKind | undefined {
  return BY_NAME.get(kind);
}
