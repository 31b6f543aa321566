import type { Polled } from '../lib/use-poll';
import { exactTime, relativeTime } from '../lib/time';

/**
 * Says how old the figures on screen are, and says so loudly when the API did not answer or the
 * data is older than two refresh intervals: a monitor must never look fine while it is blind.
 */
export function Freshness({
  polled,
  now,
  intervalSeconds,
}: {
  polled: Polled<unknown>;
  now: number;
  intervalSeconds: number;
}) {
  const { updatedAt, error, loading } = polled;
  const updatedIso = updatedAt ? new Date(updatedAt).toISOString() : undefined;
  const stale = updatedAt !== undefined && now - updatedAt > intervalSeconds * 2_000 + 5_000;
  if (error) {
    const what = error.status === 0 ? 'The API cannot be reached' : `The API answered with an error: ${error.message}`;
    return (
      <div class="freshness problem" role="alert" data-state="error">
        <strong>{what}.</strong>{' '}
        {updatedIso ? (
          <span>
            Showing data from <time dateTime={updatedIso}>{exactTime(updatedIso)}</time>.
          </span>
        ) : null}{' '}
        Retrying every {intervalSeconds} s.{' '}
        <button type="button" class="link" onClick={polled.reload}>
          Retry now
        </button>
      </div>
    );
  }
  return (
    <div class={`freshness${stale ? ' problem' : ''}`} data-state={stale ? 'stale' : 'fresh'}>
      {updatedIso ? (
        <span>
          {stale ? 'Data may be stale: last updated ' : 'Updated '}
          <time dateTime={updatedIso} title={exactTime(updatedIso)}>
            {relativeTime(updatedIso, Math.max(now, updatedAt ?? now))}
          </time>
          {' · refreshes every '}
          {intervalSeconds} s
        </span>
      ) : (
        <span>Loading…</span>
      )}
      {loading && updatedIso ? <span class="spinner" aria-hidden="true" /> : null}
    </div>
  );
}
