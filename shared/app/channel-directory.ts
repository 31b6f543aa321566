import type { ChannelStore } from './ports/channel-store';
import type { ChannelDirectory } from './jobs-service';

/** Which alert channels exist in a project, and which a new job gets when it names none. */
export function channelDirectoryOf(channels: ChannelStore): ChannelDirectory {
  return {
    existingIds: async (projectId, ids) =>
      new Set((await channels.getMany(projectId, ids)).map((channel) => channel.id)),
    defaultIds: async (projectId) =>
      (await channels.list(projectId))
        .filter((channel) => channel.isDefault)
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
        .map((channel) => channel.id),
  };
}
