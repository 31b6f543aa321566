import type { ChannelForm, ChannelKind } from './channel';
import { discordChannel } from './channels/discord';
import { emailChannel } from './channels/email';
import { googleChatChannel } from './channels/googlechat';
import { mattermostChannel } from './channels/mattermost';
import { ntfyChannel } from './channels/ntfy';
import { opsgenieChannel } from './channels/opsgenie';
import { pagerDutyChannel } from './channels/pagerduty';
import { pushoverChannel } from './channels/pushover';
import { rocketChatChannel } from './channels/rocketchat';
import { slackChannel } from './channels/slack';
import { snsChannel } from './channels/sns';
import { teamsChannel } from './channels/teams';
import { telegramChannel } from './channels/telegram';
import { webhookChannel } from './channels/webhook';

/**
 * Every channel kind, by name: the one place a new kind is registered (see docs/alerts.md).
 * Settings are validated by the kind's schema before anything reaches `send`, so the cast in
 * `channelKindOf` is only the registry forgetting each kind's own settings type.
 */
const KINDS = [
  emailChannel,
  slackChannel,
  discordChannel,
  webhookChannel,
  snsChannel,
  // On-call and chat tools (issue 12).
  pagerDutyChannel,
  opsgenieChannel,
  teamsChannel,
  googleChatChannel,
  telegramChannel,
  ntfyChannel,
  pushoverChannel,
  mattermostChannel,
  rocketChatChannel,
] as const;

export const CHANNEL_KINDS = KINDS.map((kind) => kind.kind) as [string, ...string[]];

const BY_NAME = new Map<string, ChannelKind>(KINDS.map((kind) => [kind.kind, kind as unknown as ChannelKind]));

export function channelKindOf(kind: string): ChannelKind | undefined {
  return BY_NAME.get(kind);
}

/** Every kind with its form, in the registry's order: what `GET /api/channel-kinds` lists. */
export function channelForms(): (ChannelForm & { readonly kind: string })[] {
  return KINDS.map(({ kind, form }) => ({ kind, ...form }));
}
