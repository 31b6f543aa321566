import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { MaintenanceWindow } from '../api/types';
import { useConfirm } from '../components/confirm';
import { Field, describedBy } from '../components/field';
import { Freshness } from '../components/freshness';
import { RelTime } from '../components/time';
import { useSession } from '../lib/session';
import { useNow, usePoll } from '../lib/use-poll';

type Kind = 'once' | 'recurring';

/** `datetime-local` gives local wall time without a zone; the API wants an instant. */
function instantOf(local: string): string | undefined {
  if (!local) return undefined;
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? local : new Date(ms).toISOString();
}

/** Active windows first, then the soonest to start; windows with nothing ahead last. */
function byUrgency(a: MaintenanceWindow, b: MaintenanceWindow): number {
  const start = (w: MaintenanceWindow) => (w.active ? 0 : w.next ? Date.parse(w.next.start) : Number.MAX_VALUE);
  return start(a) - start(b) || a.name.localeCompare(b.name);
}

/**
 * Maintenance windows of the project: which are active now and which come next, with a form to
 * add one (one-off or cron + duration) and a delete button. Alerts of covered jobs are held while
 * a window is active (docs/alerts.md#maintenance-windows).
 */
export function MaintenancePage() {
  const { client, canWrite, refreshSeconds } = useSession();
  const now = useNow();
  const polled = usePoll(async (signal) => (await client.listMaintenance(signal)).windows, [], refreshSeconds);
  const [kind, setKind] = useState<Kind>('once');
  const [form, setForm] = useState({ name: '', tag: '', start: '', end: '', cron: '', duration: '', timezone: 'UTC' });
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [confirmElement, confirm] = useConfirm();
  const set = (field: keyof typeof form) => (event: Event) =>
    setForm({ ...form, [field]: (event.currentTarget as HTMLInputElement).value });

  const create = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const timing =
      kind === 'once'
        ? { start: instantOf(form.start), end: instantOf(form.end) }
        : { cron: form.cron || undefined, duration: form.duration || undefined, timezone: form.timezone };
    try {
      await client.createMaintenance({ name: form.name, ...(form.tag ? { tag: form.tag } : {}), ...timing });
      setForm({ ...form, name: '', start: '', end: '', cron: '', duration: '' });
      polled.reload();
    } catch (cause) {
      setError(cause instanceof ApiError ? cause : new ApiError(0, 'internal', String(cause)));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (window: MaintenanceWindow): Promise<void> => {
    if (!(await confirm(`Delete ${window.name}?`, 'Alerts of the jobs it covers are no longer held.', 'Delete')))
      return;
    try {
      await client.deleteMaintenance(window.id);
      polled.reload();
    } catch (cause) {
      setError(cause instanceof ApiError ? cause : new ApiError(0, 'internal', String(cause)));
    }
  };

  const fieldError = (name: string) => error?.fields[name];
  const known = ['name', 'tag', 'start', 'end', 'cron', 'duration', 'timezone'];
  const inputProps = (id: string, field: keyof typeof form, hint?: string) => ({
    id,
    value: form[field],
    autocomplete: 'off',
    'aria-invalid': fieldError(field) ? ('true' as const) : undefined,
    'aria-describedby': describedBy(id, fieldError(field), hint),
    onInput: set(field),
  });
  const text = (
    id: string,
    field: keyof typeof form,
    label: string,
    hint?: string,
    type: 'text' | 'datetime-local' = 'text',
  ) => (
    <Field id={id} label={label} error={fieldError(field)} hint={hint}>
      {type === 'text' ? (
        <input type="text" {...inputProps(id, field, hint)} />
      ) : (
        <input type="datetime-local" {...inputProps(id, field, hint)} />
      )}
    </Field>
  );
  const windows = [...(polled.data ?? [])].sort(byUrgency);
  return (
    <main id="main" class="maintenance-page">
      {confirmElement}
      <h1>Maintenance windows</h1>
      <p class="muted">
        While a window is active, the jobs it covers are still checked and their flips recorded, but no alert is sent. A
        job still down when the window ends alerts once.
      </p>
      <Freshness polled={polled} now={now} intervalSeconds={refreshSeconds} />
      {polled.data ? (
        windows.length ? (
          <div class="table-scroll">
            <table class="windows">
              <caption class="visually-hidden">Maintenance windows, active first</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Covers</th>
                  <th scope="col">When</th>
                  <th scope="col">Now</th>
                  {canWrite ? (
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {windows.map((window) => (
                  <tr key={window.id} data-window-id={window.id} data-active={window.active ? 'true' : 'false'}>
                    <td data-label="Name">{window.name}</td>
                    <td data-label="Covers">
                      {window.scope === 'project'
                        ? 'every job'
                        : window.scope === 'tag'
                          ? `tag ${window.tag}`
                          : 'one job'}
                    </td>
                    <td data-label="When">
                      {window.kind === 'recurring' ? (
                        <code>
                          {window.cron} for {window.duration} ({window.timezone})
                        </code>
                      ) : (
                        'one-off'
                      )}
                    </td>
                    <td data-label="Now">
                      {window.active && window.current ? (
                        <span class="badge status-paused" data-state="active">
                          active, ends <RelTime iso={window.current.end} now={now} />
                        </span>
                      ) : window.next ? (
                        <span data-state="upcoming">
                          starts <RelTime iso={window.next.start} now={now} />
                        </span>
                      ) : (
                        <span class="muted" data-state="over">
                          over
                        </span>
                      )}
                    </td>
                    {canWrite ? (
                      <td>
                        <button
                          type="button"
                          class="button small danger"
                          aria-label={`Delete ${window.name}`}
                          onClick={() => remove(window)}
                        >
                          Delete
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="empty">No maintenance windows.</p>
        )
      ) : null}
      {canWrite ? (
        <form class="card window-form" onSubmit={create} noValidate aria-labelledby="new-window-title">
          <h2 id="new-window-title">New window</h2>
          {error && !known.some((name) => error.fields[name]) ? (
            <p class="form-error" role="alert">
              {error.message}
            </p>
          ) : null}
          <div class="row">
            {text('window-name', 'name', 'Name')}
            {text('window-tag', 'tag', 'Tag', 'Empty: every job of the project.')}
            <Field id="window-kind" label="Repeats">
              <select id="window-kind" value={kind} onChange={(event) => setKind(event.currentTarget.value as Kind)}>
                <option value="once">Once</option>
                <option value="recurring">On a cron schedule</option>
              </select>
            </Field>
          </div>
          {kind === 'once' ? (
            <div class="row">
              {text('window-start', 'start', 'Start', undefined, 'datetime-local')}
              {text('window-end', 'end', 'End', undefined, 'datetime-local')}
            </div>
          ) : (
            <div class="row">
              {text('window-cron', 'cron', 'Cron', 'Each start, e.g. 0 2 * * 0')}
              {text('window-duration', 'duration', 'Duration', 'e.g. 90m or 2h')}
              {text('window-timezone', 'timezone', 'Time zone')}
            </div>
          )}
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add window'}
          </button>
        </form>
      ) : null}
    </main>
  );
}
