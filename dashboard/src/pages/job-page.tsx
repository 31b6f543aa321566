import { useState } from 'preact/hooks';
import { describeDuration } from '../../../shared/domain/durations';
import { intervalTextAsCron } from '../../../shared/domain/interval-cron';
import { ApiError } from '../api/client';
import { jobRef, type Channel, type Delivery, type Flip, type Job, type Ping } from '../api/types';
import { useConfirm } from '../components/confirm';
import { CopyButton } from '../components/copy-button';
import { DurationChart } from '../components/duration-chart';
import { Freshness } from '../components/freshness';
import { PingTicks } from '../components/ping-strip';
import { StatusBadge } from '../components/status';
import { RelTime } from '../components/time';
import { href, navigate } from '../lib/router';
import { useSession } from '../lib/session';
import { exactTime, formatRunDuration } from '../lib/time';
import { useNow, usePoll } from '../lib/use-poll';

interface JobView {
  job: Job;
  pings: Ping[];
  flips: Flip[];
  deliveries: Delivery[] | undefined;
}

/**
 * The five crontab fields that match the job (with CRON_TZ for a zone other than UTC). An interval
 * cron cannot express exactly gets a comment that says so above a placeholder to replace.
 */
export function crontabSchedule(job: Pick<Job, 'schedule' | 'timezone'>): string {
  const tzLine = job.timezone && job.timezone !== 'UTC' ? `CRON_TZ=${job.timezone}\n` : '';
  if (!/^every\s/i.test(job.schedule.trim())) return `${tzLine}${job.schedule}`;
  const cron = intervalTextAsCron(job.schedule);
  if (cron) return cron;
  return `# "${job.schedule}" has no exact cron form (cron steps restart every hour, day and month):\n# replace * * * * * with when the job really runs.\n* * * * *`;
}

/** Commands to paste: each one a complete line that works in a crontab or a shell script. */
export function snippets(job: Job, pingUrl: string): { id: string; title: string; text: string }[] {
  const curl = 'curl -fsS -m 10 --retry 5 -o /dev/null';
  return [
    {
      id: 'crontab',
      title: 'Crontab: ping when the job succeeds',
      text: `${crontabSchedule(job)} /path/to/job.sh && ${curl} ${pingUrl}`,
    },
    {
      id: 'start-finish',
      title: 'Start and finish (measures the run, pairs them by run id)',
      text: [
        'RID=$(uuidgen)',
        `${curl} "${pingUrl}/start?rid=$RID"`,
        '/path/to/job.sh',
        `${curl} "${pingUrl}/$??rid=$RID"`,
      ].join('\n'),
    },
    {
      id: 'exit-code',
      title: 'Report the exit code and the output (non-zero means failed)',
      text: [`OUTPUT=$(/path/to/job.sh 2>&1)`, `${curl} --data-raw "$OUTPUT" "${pingUrl}/$?"`].join('\n'),
    },
    {
      id: 'fail',
      title: 'Signal a failure explicitly',
      text: `/path/to/job.sh || ${curl} ${pingUrl}/fail`,
    },
  ];
}

function optional<T>(promise: Promise<T>): Promise<T | undefined> {
  return promise.catch((cause: unknown) => {
    if (cause instanceof ApiError && (cause.status === 404 || cause.status === 403 || cause.status === 405)) {
      return undefined;
    }
    throw cause;
  });
}

export function JobPage({ id }: { id: string }) {
  const { client, canWrite, refreshSeconds } = useSession();
  const now = useNow();
  const [confirmElement, confirm] = useConfirm();
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const polled = usePoll<JobView>(
    async (signal) => {
      const [job, pings, flips, deliveries] = await Promise.all([
        client.getJob(id, signal),
        client.pings(id, 50, signal),
        client.flips(id, 50, signal),
        optional(client.deliveries({ job_id: id }, signal)),
      ]);
      return { job, pings: pings.pings, flips: flips.flips, deliveries: deliveries?.deliveries };
    },
    [id],
    refreshSeconds,
  );
  const channels = usePoll<Channel[] | undefined>(
    async (signal) => (await optional(client.listChannels(signal)))?.channels,
    [],
    refreshSeconds * 6,
  );

  if (!polled.data) {
    if (polled.error?.status === 404) {
      return (
        <main id="main">
          <h1>Job not found</h1>
          <p>
            It may have been deleted. <a href={href('/')}>Back to all jobs</a>
          </p>
        </main>
      );
    }
    return (
      <main id="main" aria-busy="true">
        <Freshness polled={polled} now={now} intervalSeconds={refreshSeconds} />
      </main>
    );
  }

  const { job, pings, flips, deliveries } = polled.data;
  const channelName = (channelId: string): string =>
    channels.data?.find((channel) => channel.id === channelId)?.name ?? channelId;

  const act = async (what: () => Promise<unknown>, after?: () => void): Promise<void> => {
    setBusy(true);
    setActionError(undefined);
    try {
      await what();
      if (after) after();
      else polled.reload();
    } catch (cause) {
      setActionError(cause instanceof ApiError ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="job-page">
      {confirmElement}
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href={href('/')}>Jobs</a>
      </nav>
      <div class="page-head">
        <div>
          <h1>{job.name}</h1>
          <p class="status-line">
            <StatusBadge status={job.status} running={job.run_in_progress} />{' '}
            <span>
              since <RelTime iso={job.status_since} now={now} /> ({exactTime(job.status_since)})
            </span>
          </p>
          {thresholdNote(job) ? (
            <p class="muted" data-testid="threshold-note">
              {thresholdNote(job)}
            </p>
          ) : null}
        </div>
        {canWrite ? (
          <div class="actions" role="group" aria-label="Job actions">
            <a class="button" href={href(`/jobs/${encodeURIComponent(jobRef(job))}/edit`)}>
              Edit
            </a>
            {job.status === 'paused' ? (
              <button
                type="button"
                class="button"
                disabled={busy}
                onClick={() => act(() => client.resumeJob(jobRef(job)))}
              >
                Resume
              </button>
            ) : (
              <button
                type="button"
                class="button"
                disabled={busy}
                onClick={() => act(() => client.pauseJob(jobRef(job)))}
              >
                Pause
              </button>
            )}
            <button
              type="button"
              class="button danger"
              disabled={busy}
              onClick={async () => {
                const ok = await confirm(
                  `Delete ${job.name}?`,
                  'Its history goes with it and its ping URL stops working. This cannot be undone.',
                  'Delete job',
                );
                if (ok)
                  await act(
                    () => client.deleteJob(jobRef(job)),
                    () => navigate('/'),
                  );
              }}
            >
              Delete
            </button>
          </div>
        ) : null}
      </div>
      {actionError ? (
        <p class="form-error" role="alert">
          {actionError}
        </p>
      ) : null}
      <Freshness polled={polled} now={now} intervalSeconds={refreshSeconds} />

      <div class="grid">
        <section class="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <dl class="details">
            <dt>Schedule</dt>
            <dd>
              {job.schedule_description} <code>{job.schedule}</code>
            </dd>
            <dt>Time zone</dt>
            <dd>{job.timezone}</dd>
            <dt>Grace time</dt>
            <dd>{describeDuration(job.grace_seconds * 1_000)}</dd>
            <dt>Last ping</dt>
            <dd>
              <RelTime iso={job.last_ping_at} now={now} />
              {job.last_ping_kind ? ` (${job.last_ping_kind}` : ''}
              {job.last_ping_kind && job.last_exit_code !== null ? `, exit ${job.last_exit_code}` : ''}
              {job.last_ping_kind && job.last_duration_ms !== null
                ? `, ${formatRunDuration(job.last_duration_ms)}`
                : ''}
              {job.last_ping_kind ? ')' : ''}
            </dd>
            <dt>Next expected</dt>
            <dd>
              {job.next_expected_at ? (
                <>
                  <RelTime iso={job.next_expected_at} now={now} due /> ({exactTime(job.next_expected_at, job.timezone)})
                </>
              ) : (
                <span class="muted">{job.status === 'paused' ? 'paused' : 'after the first ping'}</span>
              )}
            </dd>
            {job.deadline_at ? (
              <>
                <dt>Missing after</dt>
                <dd>
                  <RelTime iso={job.deadline_at} now={now} /> ({exactTime(job.deadline_at, job.timezone)})
                </dd>
              </>
            ) : null}
            <dt>Reminders</dt>
            <dd>{job.reminder_every ? `every ${job.reminder_every} while down` : 'off'}</dd>
            <dt>Alert rules</dt>
            <dd data-testid="alert-rules">{alertRules(job)}</dd>
            <dt>Tags</dt>
            <dd>
              {job.tags.length ? (
                <ul class="tags">
                  {job.tags.map((tag) => (
                    <li key={tag} class="tag">
                      <a href={href(`/?tag=${encodeURIComponent(tag)}`)}>{tag}</a>
                    </li>
                  ))}
                </ul>
              ) : (
                <span class="muted">none</span>
              )}
            </dd>
            <dt>Channels</dt>
            <dd>{job.channels.length ? job.channels.map(channelName).join(', ') : <span class="muted">none</span>}</dd>
            {job.description ? (
              <>
                <dt>Description</dt>
                <dd class="description">{job.description}</dd>
              </>
            ) : null}
          </dl>
        </section>

        <section class="card" aria-labelledby="durations-title">
          <h2 id="durations-title">Run durations</h2>
          <DurationChart pings={pings} />
          {pings.length ? (
            <p>
              <span class="muted small">Recent pings: </span>
              <PingTicks pings={pings} />
            </p>
          ) : null}
        </section>
      </div>

      {job.ping_url ? (
        <section class="card" aria-labelledby="ping-title">
          <h2 id="ping-title">Ping URL</h2>
          <div class="ping-url">
            <code id="ping-url">{job.ping_url}</code>
            <CopyButton text={job.ping_url} label="Copy ping URL" />
          </div>
          {snippets(job, job.ping_url).map((snippet) => (
            <div class="snippet" key={snippet.id}>
              <div class="snippet-head">
                <h3 id={`snippet-${snippet.id}`}>{snippet.title}</h3>
                <CopyButton text={snippet.text} label={`Copy: ${snippet.title}`} />
              </div>
              <pre aria-labelledby={`snippet-${snippet.id}`}>
                <code>{snippet.text}</code>
              </pre>
            </div>
          ))}
        </section>
      ) : null}

      <section class="card" aria-labelledby="pings-title">
        <h2 id="pings-title">Last pings</h2>
        {pings.length === 0 ? (
          <p class="muted">No pings yet.</p>
        ) : (
          <div class="table-scroll">
            <table class="pings">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Time</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Exit code</th>
                  <th scope="col">Source</th>
                  <th scope="col">Output</th>
                </tr>
              </thead>
              <tbody>
                {pings.map((ping, index) => (
                  <tr key={`${ping.at}-${index}`} data-kind={ping.kind}>
                    <td data-label="Kind">
                      <span class={`kind kind-${ping.kind}`}>{ping.kind}</span>
                    </td>
                    <td data-label="Time">
                      <RelTime iso={ping.at} now={now} />
                    </td>
                    <td data-label="Duration">
                      {ping.duration_ms !== null ? formatRunDuration(ping.duration_ms) : <span class="muted">—</span>}
                    </td>
                    <td data-label="Exit code">{ping.exit_code ?? <span class="muted">—</span>}</td>
                    <td data-label="Source" title={ping.user_agent}>
                      {ping.method} from {ping.source_ip || 'unknown'}
                    </td>
                    <td data-label="Output">
                      {ping.body ? (
                        <details>
                          <summary>
                            {ping.body.length} chars{ping.body_truncated ? ' (truncated)' : ''}
                          </summary>
                          <pre class="output">{ping.body}</pre>
                        </details>
                      ) : (
                        <span class="muted">none</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <div class="grid">
        <section class="card" aria-labelledby="flips-title">
          <h2 id="flips-title">Status changes</h2>
          {flips.length === 0 ? (
            <p class="muted">No status changes yet.</p>
          ) : (
            <ol class="timeline">
              {flips.map((flip) => (
                <li key={flip.id}>
                  <StatusBadge status={flip.from} /> <span aria-label="to">→</span> <StatusBadge status={flip.to} />{' '}
                  <RelTime iso={flip.at} now={now} />
                  {flip.reason ? <div class="muted small">{flip.reason}</div> : null}
                </li>
              ))}
            </ol>
          )}
        </section>
        {deliveries ? (
          <section class="card" aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">Alerts sent</h2>
            {deliveries.length === 0 ? (
              <p class="muted">No alerts sent for this job.</p>
            ) : (
              <ul class="deliveries">
                {deliveries.slice(0, 20).map((delivery) => (
                  <li key={`${delivery.notice_id}-${delivery.channel_id}`}>
                    <span
                      class={delivery.outcome === 'sent' ? 'ok' : delivery.outcome === 'failed' ? 'bad' : undefined}
                    >
                      {delivery.outcome}
                    </span>{' '}
                    to {channelName(delivery.channel_id)} <RelTime iso={delivery.at} now={now} />
                    {delivery.attempts > 1 ? ` after ${delivery.attempts} attempts` : ''}
                    {delivery.error ? <div class="muted small">{delivery.error}</div> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
        ) : null}
      </div>
    </main>
  );
}

/** Where a job stands against its thresholds: `2 of 3 failed or missed runs counted; no alert yet`. */
function thresholdNote(job: Job): string | undefined {
  if (job.status === 'failing' && job.failure_count > 0) {
    return `${job.failure_count} of ${job.failure_threshold} failed or missed runs counted; no alert yet.`;
  }
  if (job.recovery_count > 0) {
    return `${job.recovery_count} of ${job.recovery_threshold} good runs counted towards recovery.`;
  }
  if (job.status === 'overrunning') return 'A run is still going past its maximum runtime.';
  return undefined;
}

/** The job's alert rules in words; the defaults (alert on the first failure, and so on) say so. */
function alertRules(job: Job): string {
  const runtime = (value: number | string) => (typeof value === 'number' ? `${value} min` : value);
  const rules = [
    job.failure_threshold === 1
      ? 'alert on the first failure'
      : `alert after ${job.failure_threshold} failures in a row`,
    job.recovery_threshold === 1
      ? 'recover on the first good run'
      : `recover after ${job.recovery_threshold} good runs`,
  ];
  if (job.max_runtime !== null) rules.push(`runs at most ${runtime(job.max_runtime)}`);
  if (job.min_runtime !== null) rules.push(`runs at least ${runtime(job.min_runtime)}`);
  if (job.late_alert) rules.push('late notice at the expected time');
  return rules.join(', ');
}
