import { exactTime, relativeTime } from '../lib/time';

/** A relative time ("3 min ago") with the exact instant on hover and for machines. */
export function RelTime(props: { iso: string | null | undefined; now: number; timeZone?: string; fallback?: string }) {
  const { iso, now, timeZone } = props;
  if (!iso) return <span class="muted">{props.fallback ?? 'never'}</span>;
  const exact = exactTime(iso, timeZone);
  return (
    <time dateTime={iso} title={exact}>
      {relativeTime(iso, now)}
    </time>
  );
}
