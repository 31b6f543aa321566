import type { ApiKeyRecord } from '../../domain/api-key';

/** API keys, stored as hashes. Implemented by shared/storage/api-key-repository.ts. */
export interface ApiKeyStore {
  putKey(record: ApiKeyRecord): Promise<void>;
  findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listKeys(projectId: string): Promise<ApiKeyRecord[]>;
  deleteKey(record: ApiKeyRecord): Promise<void>;
  touchKey(record: ApiKeyRecord, at: number): Promise<void>;
}
