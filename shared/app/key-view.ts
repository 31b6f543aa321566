import type { ApiKeyRecord } from '../domain/api-key';
import { isoOrNull } from './iso-time';

/** An API key as listed (API and CLI alike): never the hash, never the secret. */
export function keyView(record: ApiKeyRecord) {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    prefix: record.prefix,
    created_at: isoOrNull(record.createdAt),
    last_used_at: isoOrNull(record.lastUsedAt),
  };
}
