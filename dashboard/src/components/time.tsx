import { exactTime, relativeTime } from '../lib/time';

/** A relative time ("3 min ago") with the exact instant on hover and for machines. */
export function RelTime(props: {
  iso: string | null | undefined;
  now: number;
  timeZone?: string;
  fallback?: string;
  /** For expected times: once past, say "due 8 s ago" rather than a bare "8 s ago". */
  due?: boolean;
}) {
  const { iso, now, timeZone } = props;
  if (!iso) return <span class="muted">{props.fallback ?? 'never'}</span>;
  const exact = exactTime(iso, timeZone);
  const overdue = props.due === true && Date.parse(iso) < now;
  return (
    <time dateTime={iso} title={exact} class={overdue ? 'overdue' : undefined}>
      {overdue ? 'due ' : ''}
      {relativeTime(iso, now)}
    </time>
  );
}
