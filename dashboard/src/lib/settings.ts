/** Browser-side settings: where the API key is kept and how often the dashboard refreshes. */

const KEY_NAME = 'cronsentry.key';
const REFRESH_NAME = 'cronsentry.refresh';
export const DEFAULT_REFRESH_SECONDS = 10;

function storage(kind: 'session' | 'local'): Storage | undefined {
  try {
    return kind === 'session' ? window.sessionStorage : window.localStorage;
  } catch {
    return undefined; // storage disabled (privacy mode): the key then lives only in memory
  }
}

/** The key kept for this tab (sessionStorage) or, with "remember me", across restarts (localStorage). */
export function loadKey(): string | undefined {
  return storage('session')?.getItem(KEY_NAME) ?? storage('local')?.getItem(KEY_NAME) ?? undefined;
}

export function saveKey(key: string, remember: boolean): void {
  forgetKey();
  storage(remember ? 'local' : 'session')?.setItem(KEY_NAME, key);
}

export function forgetKey(): void {
  storage('session')?.removeItem(KEY_NAME);
  storage('local')?.removeItem(KEY_NAME);
}

/**
 * Seconds between refreshes: `?refresh=N` in the page address wins (tests use `?refresh=1`),
 * then `localStorage["cronsentry.refresh"]`, then 10 s.
 */
export function refreshSeconds(search = window.location.search): number {
  const candidates = [new URLSearchParams(search).get('refresh'), storage('local')?.getItem(REFRESH_NAME)];
  for (const candidate of candidates) {
    const seconds = Number(candidate);
    if (candidate && Number.isFinite(seconds) && seconds >= 1 && seconds <= 3600) return seconds;
  }
  return DEFAULT_REFRESH_SECONDS;
}
