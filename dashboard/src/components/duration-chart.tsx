import type { Ping } from '../api/types';
import { formatRunDuration } from '../lib/time';

const WIDTH = 600;
const HEIGHT = 120;

/** Bars of run durations (oldest on the left), from the pings that carry one. */
export function DurationChart({ pings }: { pings: readonly Ping[] }) {
  const runs = pings.filter((ping) => ping.duration_ms !== null).reverse();
  if (runs.length === 0) {
    return <p class="muted">No timed runs yet. Send a start ping before the finish ping to measure durations.</p>;
  }
  const durations = runs.map((ping) => ping.duration_ms ?? 0);
  const max = Math.max(...durations, 1);
  const sorted = [...durations].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const slot = WIDTH / runs.length;
  const summary = `${runs.length} timed runs: shortest ${formatRunDuration(sorted[0] ?? 0)}, median ${formatRunDuration(
    median,
  )}, longest ${formatRunDuration(max)}`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} preserveAspectRatio="none">
        {runs.map((ping, index) => {
          const height = Math.max(2, ((ping.duration_ms ?? 0) / max) * (HEIGHT - 4));
          const failed = ping.kind === 'fail' || (ping.exit_code !== null && ping.exit_code !== 0);
          return (
            <rect
              key={`${ping.at}-${index}`}
              class={failed ? 'bar bar-fail' : 'bar'}
              x={index * slot + slot * 0.15}
              y={HEIGHT - height}
              width={Math.max(1, slot * 0.7)}
              height={height}
            >
              <title>{`${formatRunDuration(ping.duration_ms ?? 0)} at ${new Date(ping.at).toLocaleString()}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption class="muted">{summary}</figcaption>
    </figure>
  );
}
