// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';

/** An http(s) URL: chat and webhook receivers. Plain http is allowed for receivers on a private network. */
export const httpUrl = z.string().check(
  z.trim(),
  z.maxLength(2048, 'must be at most 2048 characters'),
  z.refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL'),
);

/**
 * How a secret is shown after creation: enough to recognise it, not enough to use it. A URL keeps
 * its origin (which service it points at); everything else keeps its last four characters.
 */
export function maskSecret(value: unknown): string {
  const text = String(value ?? '');
  const tail = text.length > 12 ? text.slice(-4) : '';
  try {
    const url = new URL(text);
    if (url.protocol === 'https:' || url.protocol === 'http:') return `${url.origin}/••••${tail}`;
  } catch {
    // not a URL
  }
  return `••••${tail}`;
}
