import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface Polled<T> {
  /** The last good answer; kept while a refresh runs or fails, so the page never blanks. */
  data: T | undefined;
  /** The error of the last attempt, cleared by the next success. */
  error: ApiError | undefined;
  /** When `data` was fetched (ms since epoch). */
  updatedAt: number | undefined;
  loading: boolean;
  reload: () => void;
}

function asApiError(cause: unknown): ApiError {
  return cause instanceof ApiError ? cause : new ApiError(0, 'internal', String(cause));
}

/**
 * Loads `load()` now, again whenever `deps` change, and every `intervalSeconds` after the last
 * answer (not on a fixed beat, so a slow API is never asked twice at once). Answers that arrive
 * after newer ones were requested are dropped.
 *
 * While the tab is hidden (Page Visibility API) no refresh is made: a dashboard left open in a
 * background tab would otherwise cost reads around the clock for a page nobody looks at. A refresh
 * that falls due while hidden waits, and the page refreshes at once when it becomes visible again.
 */
export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  intervalSeconds: number,
): Polled<T> {
  const [state, setState] = useState<Omit<Polled<T>, 'reload'>>({
    data: undefined,
    error: undefined,
    updatedAt: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    /** A refresh fell due while the tab was hidden; it runs when the tab is shown. */
    let waiting = false;

    const run = async (): Promise<void> => {
      setState((previous) => ({ ...previous, loading: true }));
      try {
        const data = await loadRef.current(controller.signal);
        if (stopped) return;
        setState({ data, error: undefined, updatedAt: Date.now(), loading: false });
      } catch (cause) {
        if (stopped) return;
        setState((previous) => ({ ...previous, error: asApiError(cause), loading: false }));
      }
      if (!stopped) timer = setTimeout(whenDue, intervalSeconds * 1_000);
    };
    const whenDue = (): void => {
      timer = undefined;
      if (document.visibilityState === 'hidden') waiting = true;
      else void run();
    };
    const onVisible = (): void => {
      if (document.visibilityState !== 'visible') return;
      // Shown again: refresh now rather than at the next beat, whether or not a refresh was missed.
      if (timer !== undefined || waiting) {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        waiting = false;
        void run();
      }
    };

    void run();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
    // The caller names the dependencies; `load` itself is read through a ref.
  }, [...deps, intervalSeconds, tick]);

  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { ...state, reload };
}

/** The current time, re-read every `everyMs`, so "3 min ago" stays true between refreshes. */
export function useNow(everyMs = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
