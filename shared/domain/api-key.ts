export const ROLES = ['read-write', 'read-only'] as const;
export type Role = (typeof ROLES)[number];

/** What is stored of an API key: never the key itself, only its SHA-256 hash. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly role: Role;
  /** The first characters of the key, so people can tell their keys apart. */
  readonly prefix: string;
  readonly hash: string;
  readonly createdAt: number;
  readonly lastUsedAt?: number;
}
