import { createHash } from 'node:crypto';

/**
 * The name a read-only key knows a job by. The job id is the ping credential, so read-only views
 * must not carry it; they carry this instead: stable, opaque, and useless for pinging.
 *
 * Healthchecks' recipe (`Check.unique_key`): SHA-1 of the first 16 hex digits of the UUID. Hashing
 * only half of the id means that even a brute-forced pre-image gives away half of the credential,
 * never the other 64 bits; SHA-1 is fine here because no collision resistance is needed, and it
 * keeps the 40-hex-digit form Healthchecks clients know.
 */
export function uniqueKeyOf(jobId: string): string {
  const firstHalf = jobId.replace(/-/g, '').toLowerCase().slice(0, 16);
  return createHash('sha1').update(firstHalf).digest('hex');
}

/** What `uniqueKeyOf` returns: exactly 40 lower-case hex digits. */
export const UNIQUE_KEY_PATTERN = /^[0-9a-f]{40}$/;

export function isUniqueKey(value: string): boolean {
  return UNIQUE_KEY_PATTERN.test(value);
}
