import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { requireWrite, type Principal } from '../app/access';
import { parseInput } from '../app/validation';
import { NotFoundError, ValidationError } from '../errors';
import type { ChannelStore } from '../app/ports/channel-store';
import type { JobStore } from '../app/ports/job-store';
import { pagesOf } from '../app/pages';
import { OPEN_CHANNEL_RULES, type ChannelRules } from './channel';
import { CHANNEL_EVENTS, type ChannelRecord } from '../domain/channel';
import { DESTINATION_MESSAGES, checkDestinationOnSave, type DestinationPolicy } from './destinations';
import type { Notifier } from './notifier';
import { CHANNEL_KINDS, channelKindOf } from './registry';
import { maskSecret } from './settings';

/** Enough for every team and chat room of a project, few enough to list in one read. */
export const MAX_CHANNELS_PER_PROJECT = 100;

const common = {
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  events: z
    .array(z.enum(CHANNEL_EVENTS))
    .max(CHANNEL_EVENTS.length)
    .transform((events) => [...new Set(events)]),
  is_default: z.boolean(),
};

export const createSchema = z
  .object({
    kind: z.enum(CHANNEL_KINDS, { message: `must be one of ${CHANNEL_KINDS.join(', ')}` }),
    name: common.name,
    settings: z.record(z.string(), z.unknown()).default({}),
    events: common.events.default(['down', 'up']),
    is_default: common.is_default.default(false),
  })
  .strict();

export const patchSchema = z
  .object({
    kind: z.string().optional(),
    name: common.name.optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    events: common.events.optional(),
    is_default: common.is_default.optional(),
  })
  .strict();

/** A new channel, as the route parsed it with `createSchema`. */
export type ChannelCreateInput = z.output<typeof createSchema>;
/** A change to a channel, as the route parsed it with `patchSchema`. */
export type ChannelPatch = z.output<typeof patchSchema>;

/**
 * Channels of a project: create, edit, delete, and test. Settings are checked by their kind's
 * schema; secrets are shown in full only in the response that created (or replaced) them.
 */
export class ChannelService {
  constructor(
    private readonly channels: ChannelStore,
    private readonly jobs: JobStore,
    private readonly notifier: Notifier,
    private readonly rules: ChannelRules = OPEN_CHANNEL_RULES,
    /** The same rules the send applies, checked at save too so a bad URL is a 400, not a failed alert. */
    private readonly destinations: DestinationPolicy = {},
  ) {}

  async list(principal: Principal): Promise<ChannelRecord[]> {
    const channels = await this.channels.list(principal.projectId);
    return channels.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async get(principal: Principal, channelId: string): Promise<ChannelRecord> {
    const channel = await this.channels.get(principal.projectId, channelId);
    if (!channel) throw new NotFoundError('channel');
    return channel;
  }

  async create(principal: Principal, input: ChannelCreateInput, now: number): Promise<ChannelRecord> {
    requireWrite(principal);
    const settings = parseSettings(input.kind, input.settings, this.rules);
    await refuseUnreachable(settings, this.destinations);
    const existing = await this.channels.list(principal.projectId);
    if (existing.length >= MAX_CHANNELS_PER_PROJECT) {
      throw ValidationError.of('body', `a project can have at most ${MAX_CHANNELS_PER_PROJECT} channels`);
    }
    const channel: ChannelRecord = {
      id: randomUUID(),
      projectId: principal.projectId,
      kind: input.kind,
      name: input.name,
      settings,
      events: input.events,
      isDefault: input.is_default,
      createdAt: now,
      updatedAt: now,
    };
    await this.channels.create(channel);
    return channel;
  }

  /**
   * Changes name, events, default flag or settings; the kind is fixed. Settings not given keep
   * their stored values, and so does a secret sent back in its masked form, so a client can
   * round-trip what it read without destroying the secret.
   */
  async update(principal: Principal, channelId: string, patch: ChannelPatch, now: number): Promise<ChannelRecord> {
    requireWrite(principal);
    const current = await this.get(principal, channelId);
    if (patch.kind !== undefined && patch.kind !== current.kind) {
      throw ValidationError.of('kind', 'cannot change; create a new channel instead');
    }
    let settings = current.settings;
    if (patch.settings) {
      const merged: Record<string, unknown> = { ...current.settings };
      for (const [name, value] of Object.entries(patch.settings)) {
        const unchanged = current.settings[name] !== undefined && value === maskSecret(current.settings[name]);
        if (!unchanged) merged[name] = value;
      }
      settings = parseSettings(current.kind, merged, this.rules);
      await refuseUnreachable(settings, this.destinations);
    }
    const next: ChannelRecord = {
      ...current,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.events !== undefined ? { events: patch.events } : {}),
      ...(patch.is_default !== undefined ? { isDefault: patch.is_default } : {}),
      settings,
      updatedAt: now,
    };
    if (!(await this.channels.update(next))) throw new NotFoundError('channel');
    return next;
  }

  /** Deletes a channel and takes it out of every job that named it. */
  async remove(principal: Principal, channelId: string): Promise<void> {
    requireWrite(principal);
    await this.get(principal, channelId);
    await this.channels.delete(principal.projectId, channelId);
    for await (const page of pagesOf((cursor) => this.jobs.listProfiles(principal.projectId, 200, cursor))) {
      for (const profile of page.items) {
        if (!profile.channelIds.includes(channelId)) continue;
        await this.jobs.saveProfile({ ...profile, channelIds: profile.channelIds.filter((id) => id !== channelId) });
      }
    }
  }

  async test(principal: Principal, channelId: string, publicUrl: string | undefined) {
    requireWrite(principal);
    return this.notifier.sendTest(await this.get(principal, channelId), publicUrl);
  }
}

/**
 * Every setting that is an http(s) URL is a destination, whatever the kind calls it: refused when
 * it carries `user:pass@` or points where alerts may not go (see destinations.ts).
 */
async function refuseUnreachable(settings: Record<string, unknown>, policy: DestinationPolicy): Promise<void> {
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value.trim())) continue;
    const problem = await checkDestinationOnSave(value.trim(), policy);
    if (problem) throw ValidationError.of(`settings.${name}`, DESTINATION_MESSAGES[problem]);
  }
}

/**
 * Validates settings against the kind's schema, naming fields as `settings.<name>`, then against
 * what this deployment allows the kind to reach.
 */
function parseSettings(kind: string, settings: Record<string, unknown>, rules: ChannelRules): Record<string, unknown> {
  const implementation = channelKindOf(kind);
  if (!implementation) throw ValidationError.of('kind', `must be one of ${CHANNEL_KINDS.join(', ')}`);
  let parsed: Record<string, unknown>;
  try {
    parsed = parseInput(implementation.settingsSchema, settings);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        error.details.map((problem) => ({
          field: problem.field === 'body' ? 'settings' : `settings.${problem.field}`,
          message: problem.message,
        })),
      );
    }
    throw error;
  }
  implementation.admit?.(parsed, rules);
  return parsed;
}

/**
 * The public JSON of a channel. Secret settings (webhook URLs, signing secrets) are masked for
 * read-write keys except in the one response that created or replaced them, and left out
 * altogether for read-only keys, which never see any part of a secret.
 */
export function channelView(
  channel: ChannelRecord,
  options: { reveal?: readonly string[]; withholdSecrets?: boolean } = {},
) {
  const secret = new Set(channelKindOf(channel.kind)?.secretSettings ?? Object.keys(channel.settings));
  const settings = Object.fromEntries(
    Object.entries(channel.settings)
      .filter(([name]) => !(options.withholdSecrets && secret.has(name)))
      .map(([name, value]) => [name, secret.has(name) && !options.reveal?.includes(name) ? maskSecret(value) : value]),
  );
  return {
    id: channel.id,
    kind: channel.kind,
    name: channel.name,
    settings,
    events: channel.events,
    is_default: channel.isDefault,
    last_delivery: channel.lastDelivery
      ? {
          at: new Date(channel.lastDelivery.at).toISOString(),
          outcome: channel.lastDelivery.outcome,
          ...(channel.lastDelivery.error ? { error: channel.lastDelivery.error } : {}),
        }
      : null,
    created_at: new Date(channel.createdAt).toISOString(),
    updated_at: new Date(channel.updatedAt).toISOString(),
  };
}

/** Secret settings whose values a change replaced: the update response shows those once. */
export function changedSecrets(before: ChannelRecord | undefined, after: ChannelRecord): string[] {
  const secret = channelKindOf(after.kind)?.secretSettings ?? [];
  return secret.filter((name) => after.settings[name] !== undefined && before?.settings[name] !== after.settings[name]);
}
