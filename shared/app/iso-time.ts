/** Times in the API's JSON: ISO-8601 in UTC, or null when there is none. */
export function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
