import { useEffect, useMemo, useState } from 'preact/hooks';
import { jobRef, type Job, type JobPage, type JobSummary, type Status } from '../api/types';
import { Freshness } from '../components/freshness';
import { PingStrip } from '../components/ping-strip';
import { STATUSES, STATUS_INFO, StatusBadge } from '../components/status';
import { RelTime } from '../components/time';
import { href, navigate } from '../lib/router';
import { useSession } from '../lib/session';
import { useNow, usePoll } from '../lib/use-poll';

export const PAGE_SIZE = 50;

const SORTS = {
  api: { label: 'Default order', compare: undefined },
  status: {
    label: 'Status, worst first',
    compare: (a: Job, b: Job) =>
      STATUS_INFO[a.status].rank - STATUS_INFO[b.status].rank || a.name.localeCompare(b.name),
  },
  'last-ping': {
    label: 'Last ping, newest first',
    compare: (a: Job, b: Job) => (b.last_ping_at ?? '').localeCompare(a.last_ping_at ?? ''),
  },
  next: {
    label: 'Next expected, soonest first',
    compare: (a: Job, b: Job) =>
      (a.next_expected_at ?? '\uffff').localeCompare(b.next_expected_at ?? '\uffff') || a.name.localeCompare(b.name),
  },
  name: { label: 'Name, A to Z', compare: (a: Job, b: Job) => a.name.localeCompare(b.name) },
} as const;
type SortKey = keyof typeof SORTS;

/**
 * Statuses the summary does not count apart: a late job is counted as healthy there, because late
 * comes from the clock alone and no stored count can follow it (docs/benchmarks.md, "Dashboard cost").
 */
const UNCOUNTED: readonly Status[] = ['late'];

interface Filters {
  status: Status | '';
  tag: string;
  q: string;
  sort: SortKey;
}

function readFilters(params: URLSearchParams): Filters {
  const status = params.get('status') ?? '';
  const sort = params.get('sort') ?? 'api';
  return {
    status: (STATUSES as readonly string[]).includes(status) ? (status as Status) : '',
    tag: params.get('tag') ?? '',
    q: params.get('q') ?? '',
    sort: sort in SORTS ? (sort as SortKey) : 'api',
  };
}

function writeFilters(filters: Filters): void {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.tag) params.set('tag', filters.tag);
  if (filters.q) params.set('q', filters.q);
  if (filters.sort !== 'api') params.set('sort', filters.sort);
  const query = params.toString();
  navigate(query ? `/?${query}` : '/', true);
}

export function Overview({ params }: { params: URLSearchParams }) {
  const { client, canWrite, refreshSeconds } = useSession();
  const filters = readFilters(params);
  const now = useNow();
  /** Cursors of the pages before the current one; the last entry is the current page's cursor. */
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [search, setSearch] = useState(filters.q);
  const cursor = cursors[cursors.length - 1] ?? null;

  const filterKey = `${filters.status}|${filters.tag}|${filters.q}`;
  useEffect(() => setCursors([null]), [filterKey]);

  // The search box updates the address (and so the query) once typing pauses.
  useEffect(() => {
    if (search === filters.q) return;
    const timer = setTimeout(() => writeFilters({ ...filters, q: search.trim() }), 300);
    return () => clearTimeout(timer);
  }, [search]);

  const polled = usePoll<{ summary: JobSummary; page: JobPage }>(
    async (signal) => {
      const [summary, page] = await Promise.all([
        client.summary(signal),
        client.listJobs({ status: filters.status, tag: filters.tag, q: filters.q, limit: PAGE_SIZE, cursor }, signal),
      ]);
      return { summary, page };
    },
    [filterKey, cursor],
    refreshSeconds,
  );

  const summary = polled.data?.summary;
  const page = polled.data?.page;
  const jobs = useMemo(() => {
    const list = [...(page?.jobs ?? [])];
    const compare = SORTS[filters.sort].compare;
    return compare ? list.sort(compare) : list;
  }, [page, filters.sort]);
  const firstIndex = (cursors.length - 1) * PAGE_SIZE;
  const filtered = Boolean(filters.status || filters.tag || filters.q);
  const matching =
    !filters.tag && !filters.q && summary && !(filters.status && UNCOUNTED.includes(filters.status))
      ? filters.status
        ? summary.counts[filters.status]
        : summary.total
      : undefined;

  return (
    <main id="main" class="overview" aria-busy={polled.loading && !polled.data ? 'true' : 'false'}>
      <div class="page-head">
        <h1>Jobs</h1>
        {canWrite ? (
          <a class="button primary" href={href('/jobs/new')}>
            New job
          </a>
        ) : null}
      </div>
      <Freshness polled={polled} now={now} intervalSeconds={refreshSeconds} />

      <nav class="counts" aria-label="Jobs by status">
        <a
          class={`count${filters.status === '' ? ' active' : ''}`}
          href={href('/')}
          aria-current={filters.status === '' ? 'true' : undefined}
          onClick={(event) => {
            event.preventDefault();
            writeFilters({ ...filters, status: '' });
          }}
        >
          <span class="count-number" data-count="total">
            {summary?.total ?? '–'}
          </span>
          <span class="count-label">All</span>
        </a>
        {STATUSES.map((status) => (
          <a
            key={status}
            class={`count count-${status}${filters.status === status ? ' active' : ''}`}
            href={href(`/?status=${status}`)}
            aria-current={filters.status === status ? 'true' : undefined}
            onClick={(event) => {
              event.preventDefault();
              writeFilters({ ...filters, status: filters.status === status ? '' : status });
            }}
          >
            <span
              class="count-number"
              data-count={status}
              title={UNCOUNTED.includes(status) ? 'not counted apart: late jobs count as healthy here' : undefined}
            >
              {UNCOUNTED.includes(status) ? '–' : (summary?.counts[status] ?? '–')}
            </span>
            <span class="count-label">
              <span aria-hidden="true">{STATUS_INFO[status].icon} </span>
              {STATUS_INFO[status].label}
            </span>
          </a>
        ))}
      </nav>

      <form class="filters" role="search" aria-label="Filter jobs" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="filter-q">Search by name</label>
          <input
            id="filter-q"
            type="search"
            value={search}
            placeholder="backup"
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={filters.status}
            onChange={(event) => writeFilters({ ...filters, status: event.currentTarget.value as Status | '' })}
          >
            <option value="">Any status</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_INFO[status].label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-tag">Tag</label>
          <select
            id="filter-tag"
            value={filters.tag}
            onChange={(event) => writeFilters({ ...filters, tag: event.currentTarget.value })}
          >
            <option value="">Any tag</option>
            {(summary?.tags ?? (filters.tag ? [filters.tag] : [])).map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-sort">Sort this page by</label>
          <select
            id="filter-sort"
            value={filters.sort}
            onChange={(event) => writeFilters({ ...filters, sort: event.currentTarget.value as SortKey })}
          >
            {Object.entries(SORTS).map(([key, sort]) => (
              <option key={key} value={key}>
                {sort.label}
              </option>
            ))}
          </select>
        </div>
      </form>

      {page && jobs.length === 0 ? (
        <div class="empty card">
          {filtered ? (
            <p>No jobs match these filters.</p>
          ) : (
            <p>
              No jobs yet.{' '}
              {canWrite ? <a href={href('/jobs/new')}>Create your first job</a> : 'Ask someone with a read-write key.'}
            </p>
          )}
        </div>
      ) : null}

      {jobs.length ? (
        <table class="jobs">
          <caption class="visually-hidden">
            Jobs {firstIndex + 1} to {firstIndex + jobs.length}
            {matching !== undefined ? ` of ${matching}` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Name</th>
              <th scope="col">Last ping</th>
              <th scope="col">Next expected</th>
              <th scope="col">Schedule</th>
              <th scope="col">Recent pings</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <JobRow key={jobRef(job)} job={job} now={now} />
            ))}
          </tbody>
        </table>
      ) : null}

      {page && (cursors.length > 1 || page.next_cursor) ? (
        <nav class="pager" aria-label="Pages of jobs">
          <button
            type="button"
            class="button"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((list) => list.slice(0, -1))}
          >
            ← Previous
          </button>
          <span>
            Jobs {firstIndex + 1}–{firstIndex + jobs.length}
            {matching !== undefined ? ` of ${matching}` : ''}
          </span>
          <button
            type="button"
            class="button"
            disabled={!page.next_cursor}
            onClick={() => {
              setCursors((list) => [...list, page.next_cursor]);
              window.scrollTo({ top: 0 });
            }}
          >
            Next →
          </button>
        </nav>
      ) : null}
    </main>
  );
}

function JobRow({ job, now }: { job: Job; now: number }) {
  const { client } = useSession();
  return (
    <tr data-job-id={jobRef(job)} data-status={job.status}>
      <td data-label="Status">
        <StatusBadge status={job.status} running={job.run_in_progress} />
        <div class="muted small">
          since <RelTime iso={job.status_since} now={now} />
        </div>
      </td>
      <td data-label="Name" class="name-cell">
        <a class="job-link" href={href(`/jobs/${encodeURIComponent(jobRef(job))}`)}>
          {job.name}
        </a>
        {job.tags.length ? (
          <ul class="tags" aria-label="Tags">
            {job.tags.map((tag) => (
              <li key={tag} class="tag">
                {tag}
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td data-label="Last ping">
        <RelTime iso={job.last_ping_at} now={now} />
        {job.last_ping_kind && job.last_ping_kind !== 'success' ? (
          <span class="muted small"> ({job.last_ping_kind})</span>
        ) : null}
      </td>
      <td data-label="Next expected">
        {job.status === 'paused' ? (
          <span class="muted">paused</span>
        ) : (
          <RelTime iso={job.next_expected_at} now={now} timeZone={job.timezone} fallback="after the first ping" due />
        )}
      </td>
      <td data-label="Schedule" class="schedule-cell">
        <span title={job.schedule}>{job.schedule_description}</span>
      </td>
      <td data-label="Recent pings">
        <PingStrip client={client} jobId={jobRef(job)} stamp={`${job.last_ping_at ?? ''}|${job.status_since}`} />
      </td>
    </tr>
  );
}
