import type { ChannelRecord, LastDelivery } from '../../domain/channel';

/** A project's channels. Implemented by shared/storage/channel-repository.ts. */
export interface ChannelStore {
  create(channel: ChannelRecord): Promise<void>;
  get(projectId: string, channelId: string): Promise<ChannelRecord | undefined>;
  getMany(projectId: string, channelIds: readonly string[]): Promise<ChannelRecord[]>;
  list(projectId: string): Promise<ChannelRecord[]>;
  /** Replaces the channel if it exists; false when it does not. */
  update(channel: ChannelRecord): Promise<boolean>;
  recordDelivery(projectId: string, channelId: string, last: LastDelivery): Promise<void>;
  delete(projectId: string, channelId: string): Promise<void>;
}
