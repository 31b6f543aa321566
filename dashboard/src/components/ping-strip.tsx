import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client';
import type { Ping } from '../api/types';
import { createQueue } from '../lib/queue';
import { exactTime, formatRunDuration } from '../lib/time';

const STRIP_LENGTH = 16;
const enqueue = createQueue(4);
/** Recent pings per job, keyed by what would change them (the last ping time). */
const cache = new Map<string, { stamp: string; pings: Ping[] }>();

function describePing(ping: Ping): string {
  const parts = [ping.kind, exactTime(ping.at)];
  if (ping.exit_code !== null) parts.push(`exit ${ping.exit_code}`);
  if (ping.duration_ms !== null) parts.push(formatRunDuration(ping.duration_ms));
  return parts.join(' · ');
}

function pingClass(ping: Ping): string {
  if (ping.kind === 'fail' || (ping.exit_code !== null && ping.exit_code !== 0)) return 'tick-fail';
  return `tick-${ping.kind}`;
}

/** Tick marks for the pings a job sent lately, oldest on the left. */
export function PingTicks({ pings }: { pings: readonly Ping[] }) {
  const recent = pings.slice(0, STRIP_LENGTH).reverse();
  const failures = recent.filter((ping) => pingClass(ping) === 'tick-fail').length;
  return (
    <span
      class="strip"
      role="img"
      aria-label={`Last ${recent.length} pings: ${failures} failed, ${recent.length - failures} other`}
    >
      {recent.map((ping, index) => (
        <span key={`${ping.at}-${index}`} class={`tick ${pingClass(ping)}`} title={describePing(ping)} />
      ))}
    </span>
  );
}

/**
 * The overview's strip of recent pings for one row. It loads only once the row is on screen, and
 * again only when the job's last ping changed, so refreshing a page of fifty jobs costs nothing.
 */
export function PingStrip({ client, jobId, stamp }: { client: ApiClient; jobId: string; stamp: string }) {
  const holder = useRef<HTMLSpanElement>(null);
  const [visible, setVisible] = useState(false);
  const [pings, setPings] = useState<Ping[] | undefined>(cache.get(jobId)?.pings);

  useEffect(() => {
    const element = holder.current;
    if (!element || typeof IntersectionObserver === 'undefined') {
      setVisible(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        setVisible(true);
        observer.disconnect();
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!visible) return;
    const cached = cache.get(jobId);
    if (cached && cached.stamp === stamp) {
      setPings(cached.pings);
      return;
    }
    let stopped = false;
    enqueue(() => client.pings(jobId, STRIP_LENGTH))
      .then((answer) => {
        cache.set(jobId, { stamp, pings: answer.pings });
        if (!stopped) setPings(answer.pings);
      })
      .catch(() => undefined); // a strip is decoration: the row still says everything
    return () => {
      stopped = true;
    };
  }, [visible, jobId, stamp, client]);

  return (
    <span ref={holder} class="strip-holder">
      {pings === undefined ? (
        <span class="muted">…</span>
      ) : pings.length ? (
        <PingTicks pings={pings} />
      ) : (
        <span class="muted">no pings</span>
      )}
    </span>
  );
}
