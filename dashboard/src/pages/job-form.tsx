import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { jobRef, type Channel, type Job, type JobInput, type SchedulePreview } from '../api/types';
import { Field, describedBy } from '../components/field';
import { href, navigate } from '../lib/router';
import { useSession } from '../lib/session';
import { exactTime } from '../lib/time';
import { usePoll } from '../lib/use-poll';

const FORM_FIELDS = [
  'name',
  'description',
  'schedule',
  'timezone',
  'grace_time',
  'tags',
  'channels',
  'reminder_every',
  'failure_threshold',
  'recovery_threshold',
  'max_runtime',
  'min_runtime',
  'late_alert',
] as const;
type FormField = (typeof FORM_FIELDS)[number];

const REMINDERS = [
  ['', 'Off'],
  ['15m', 'Every 15 minutes'],
  ['30m', 'Every 30 minutes'],
  ['1h', 'Every hour'],
  ['3h', 'Every 3 hours'],
  ['6h', 'Every 6 hours'],
  ['12h', 'Every 12 hours'],
  ['1d', 'Every day'],
] as const;

/** Which API field each form value is sent as. */
const FIELD_OF: Record<keyof FormValues, FormField> = {
  name: 'name',
  description: 'description',
  schedule: 'schedule',
  timezone: 'timezone',
  grace: 'grace_time',
  tags: 'tags',
  channels: 'channels',
  reminder: 'reminder_every',
  failureThreshold: 'failure_threshold',
  recoveryThreshold: 'recovery_threshold',
  maxRuntime: 'max_runtime',
  minRuntime: 'min_runtime',
  lateAlert: 'late_alert',
};

interface FormValues {
  name: string;
  description: string;
  schedule: string;
  timezone: string;
  grace: string;
  tags: string;
  channels: string[];
  reminder: string;
  failureThreshold: string;
  recoveryThreshold: string;
  maxRuntime: string;
  minRuntime: string;
  lateAlert: boolean;
}

function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

function initialValues(job: Job | undefined): FormValues {
  if (!job) {
    return {
      name: '',
      description: '',
      schedule: '0 * * * *',
      timezone: viewerTimeZone(),
      grace: '15m',
      tags: '',
      channels: [],
      reminder: '',
      failureThreshold: '1',
      recoveryThreshold: '1',
      maxRuntime: '',
      minRuntime: '',
      lateAlert: false,
    };
  }
  return {
    name: job.name,
    description: job.description,
    schedule: job.schedule,
    timezone: job.timezone,
    grace: String(job.grace_time),
    tags: job.tags.join(', '),
    channels: [...job.channels],
    reminder: job.reminder_every ?? '',
    failureThreshold: String(job.failure_threshold),
    recoveryThreshold: String(job.recovery_threshold),
    maxRuntime: job.max_runtime === null ? '' : String(job.max_runtime),
    minRuntime: job.min_runtime === null ? '' : String(job.min_runtime),
    lateAlert: job.late_alert,
  };
}

/** A threshold as typed: a whole number goes as a number; anything else as typed, for the API to name. */
function countValue(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 1 : Number(trimmed);
}

/** An empty runtime bound is none (`null`); otherwise as the grace time is read. */
function boundValue(text: string): number | string | null {
  return text.trim() === '' ? null : graceValue(text);
}

/** `15` means minutes (as the API reads a bare number); anything else goes as written (`90s`). */
function graceValue(text: string): number | string {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

/** The message for one form field, including nested ones such as `tags.2`. */
function errorFor(fields: Readonly<Record<string, string>>, name: FormField): string | undefined {
  if (fields[name]) return fields[name];
  const nested = Object.keys(fields).find((key) => key.startsWith(`${name}.`) || key.startsWith(`${name}[`));
  return nested ? fields[nested] : undefined;
}

export function JobForm({ job }: { job?: Job }) {
  const { client, refreshSeconds } = useSession();
  const [values, setValues] = useState<FormValues>(() => initialValues(job));
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<{ result?: SchedulePreview; error?: ApiError }>({});
  const zones = useMemo(timeZones, []);
  const editing = job !== undefined;

  // Channels are optional: a server without them (or a failed load) still lets you save the job.
  const channels = usePoll<Channel[]>(
    async (signal) => (await client.listChannels(signal)).channels,
    [],
    refreshSeconds * 6,
  );
  const [touchedChannels, setTouchedChannels] = useState(editing);
  useEffect(() => {
    if (!touchedChannels && channels.data) {
      setValues((current) => ({ ...current, channels: channels.data!.filter((c) => c.is_default).map((c) => c.id) }));
    }
  }, [channels.data, touchedChannels]);

  // Live preview of the next five expected times, once typing pauses.
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      if (!values.schedule.trim()) {
        setPreview({});
        return;
      }
      client
        .previewSchedule(values.schedule, values.timezone.trim() || 'UTC', controller.signal)
        .then((result) => setPreview({ result }))
        .catch((cause: unknown) => {
          if (cause instanceof ApiError) setPreview({ error: cause });
        });
    }, 350);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [values.schedule, values.timezone, client]);

  /** Fields edited since the last submit: their old API message no longer applies. */
  const [edited, setEdited] = useState<ReadonlySet<FormField>>(new Set());
  const set =
    <K extends keyof FormValues>(key: K) =>
    (value: FormValues[K]): void => {
      setValues((current) => ({ ...current, [key]: value }));
      setEdited((current) => new Set(current).add(FIELD_OF[key]));
    };

  const fields = Object.fromEntries(
    Object.entries(error?.fields ?? {}).filter(([key]) => !edited.has(key.split(/[.[]/)[0] as FormField)),
  );
  const previewFields = preview.error?.fields ?? {};
  const fieldError = (name: FormField): string | undefined =>
    errorFor(fields, name) ??
    (name === 'schedule' || name === 'timezone' ? errorFor(previewFields, name) : undefined) ??
    (name === 'schedule' && preview.error && Object.keys(previewFields).length === 0
      ? preview.error.message
      : undefined);
  const unplaced = error && !FORM_FIELDS.some((name) => errorFor(error.fields, name)) ? error.message : undefined;

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setEdited(new Set());
    const input: JobInput = {
      name: values.name.trim(),
      description: values.description.trim(),
      schedule: values.schedule.trim(),
      timezone: values.timezone.trim() || 'UTC',
      grace_time: graceValue(values.grace),
      tags: parseTags(values.tags),
      reminder_every: values.reminder || null,
      failure_threshold: countValue(values.failureThreshold),
      recovery_threshold: countValue(values.recoveryThreshold),
      max_runtime: boundValue(values.maxRuntime),
      min_runtime: boundValue(values.minRuntime),
      late_alert: values.lateAlert,
    };
    if (channels.data) input.channels = values.channels;
    try {
      const saved = editing ? await client.updateJob(jobRef(job), input) : await client.createJob(input);
      navigate(`/jobs/${encodeURIComponent(jobRef(saved))}`);
    } catch (cause) {
      const apiError = cause instanceof ApiError ? cause : new ApiError(0, 'internal', String(cause));
      setError(apiError);
      const first = FORM_FIELDS.find((name) => errorFor(apiError.fields, name));
      if (first) queueMicrotask(() => document.getElementById(`job-${first}`)?.focus());
    } finally {
      setBusy(false);
    }
  };

  const text = (
    name: FormField,
    key: keyof FormValues,
    label: string,
    hint?: string,
    extra: Record<string, unknown> = {},
  ) => {
    const id = `job-${name}`;
    const message = fieldError(name);
    return (
      <Field id={id} label={label} error={message} hint={hint}>
        <input
          id={id}
          name={name}
          type="text"
          value={values[key] as string}
          aria-invalid={message ? 'true' : undefined}
          aria-describedby={describedBy(id, message, hint)}
          onInput={(event) => set(key)(event.currentTarget.value as never)}
          {...extra}
        />
      </Field>
    );
  };

  // `autofocus` works once per document; in a single-page app the form focuses its field itself.
  useEffect(() => {
    if (!editing) document.getElementById('job-name')?.focus();
  }, [editing]);

  const previewTz = values.timezone.trim() || 'UTC';
  return (
    <main id="main" class="job-form-page">
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href={href('/')}>Jobs</a>
        {editing ? (
          <>
            {' / '}
            <a href={href(`/jobs/${encodeURIComponent(jobRef(job))}`)}>{job.name}</a>
          </>
        ) : null}
      </nav>
      <h1>{editing ? `Edit ${job.name}` : 'New job'}</h1>
      <form
        class="card job-form"
        onSubmit={submit}
        noValidate
        aria-describedby={unplaced ? 'job-form-error' : undefined}
      >
        {unplaced ? (
          <p class="form-error" id="job-form-error" role="alert">
            {unplaced}
          </p>
        ) : null}
        {text('name', 'name', 'Name', undefined, { required: true, autocomplete: 'off' })}
        <Field id="job-description" label="Description (optional)" error={fieldError('description')}>
          <textarea
            id="job-description"
            name="description"
            rows={2}
            value={values.description}
            aria-invalid={fieldError('description') ? 'true' : undefined}
            aria-describedby={describedBy('job-description', fieldError('description'))}
            onInput={(event) => set('description')(event.currentTarget.value)}
          />
        </Field>
        <div class="row">
          {text(
            'schedule',
            'schedule',
            'Schedule',
            'Cron with five fields (0 3 * * *), a macro (@daily), or an interval (every 5m).',
            { spellcheck: false, autocomplete: 'off', class: 'mono' },
          )}
          <Field
            id="job-timezone"
            label="Time zone"
            error={fieldError('timezone')}
            hint="An IANA name, e.g. Europe/Berlin."
          >
            <input
              id="job-timezone"
              name="timezone"
              type="text"
              list="time-zones"
              value={values.timezone}
              autocomplete="off"
              spellcheck={false}
              aria-invalid={fieldError('timezone') ? 'true' : undefined}
              aria-describedby={describedBy('job-timezone', fieldError('timezone'), 'hint')}
              onInput={(event) => set('timezone')(event.currentTarget.value)}
            />
            <datalist id="time-zones">
              {zones.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          </Field>
        </div>
        <section class="preview" aria-labelledby="preview-title" aria-live="polite">
          <h2 id="preview-title" class="small-heading">
            Next expected pings
          </h2>
          {preview.result ? (
            <>
              <p data-testid="schedule-description">{preview.result.schedule_description}</p>
              <ol class="next-times">
                {preview.result.next.map((iso) => (
                  <li key={iso}>
                    <time dateTime={iso}>{exactTime(iso, previewTz)}</time>
                  </li>
                ))}
              </ol>
            </>
          ) : preview.error ? (
            <p class="muted">Fix the schedule to see when pings are expected.</p>
          ) : (
            <p class="muted">Type a schedule to see when pings are expected.</p>
          )}
        </section>
        <div class="row">
          {text(
            'grace_time',
            'grace',
            'Grace time',
            'How late a ping may be before the job is missing: 15 (minutes), 90s, 2h.',
            {
              autocomplete: 'off',
              spellcheck: false,
            },
          )}
          <Field id="job-reminder_every" label="Remind while down" error={fieldError('reminder_every')}>
            <select
              id="job-reminder_every"
              name="reminder_every"
              value={values.reminder}
              aria-invalid={fieldError('reminder_every') ? 'true' : undefined}
              aria-describedby={describedBy('job-reminder_every', fieldError('reminder_every'))}
              onChange={(event) => set('reminder')(event.currentTarget.value)}
            >
              {REMINDERS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
              {values.reminder && !REMINDERS.some(([value]) => value === values.reminder) ? (
                <option value={values.reminder}>Every {values.reminder}</option>
              ) : null}
            </select>
          </Field>
        </div>
        <fieldset class="alert-rules">
          <legend>When to alert</legend>
          <div class="row">
            {text(
              'failure_threshold',
              'failureThreshold',
              'Alert after failures in a row',
              'Failed or missed runs before the job is down and alerts; until then it shows as failing.',
              { inputmode: 'numeric', autocomplete: 'off' },
            )}
            {text(
              'recovery_threshold',
              'recoveryThreshold',
              'Recover after good runs in a row',
              'Good runs before a down job is healthy again and a recovery is sent.',
              { inputmode: 'numeric', autocomplete: 'off' },
            )}
          </div>
          <div class="row">
            {text(
              'max_runtime',
              'maxRuntime',
              'Maximum runtime (optional)',
              'A run still going this long after its start is overrunning and alerts: 30 (minutes), 2h.',
              { autocomplete: 'off', spellcheck: false },
            )}
            {text(
              'min_runtime',
              'minRuntime',
              'Minimum runtime (optional)',
              'A run that finishes faster counts as failed: 30s, 2m.',
              { autocomplete: 'off', spellcheck: false },
            )}
          </div>
          <div class="checkbox">
            <input
              id="job-late_alert"
              name="late_alert"
              type="checkbox"
              checked={values.lateAlert}
              aria-describedby={describedBy('job-late_alert', fieldError('late_alert'))}
              onChange={(event) => set('lateAlert')(event.currentTarget.checked)}
            />
            <label for="job-late_alert">
              Send a “late” notice at the expected time, before the missing alert at the end of the grace
            </label>
          </div>
        </fieldset>
        {text('tags', 'tags', 'Tags (optional)', 'Separated by commas: prod, backups.', { autocomplete: 'off' })}
        <fieldset class="channels-choice" aria-describedby={fieldError('channels') ? 'job-channels-error' : undefined}>
          <legend>Alert channels</legend>
          {channels.data === undefined ? (
            <p class="muted">
              {channels.error ? 'Channels could not be loaded; the job keeps its channels.' : 'Loading channels…'}
            </p>
          ) : channels.data.length === 0 ? (
            <p class="muted">
              No channels yet. <a href={href('/channels')}>Add a channel</a> to be alerted.
            </p>
          ) : (
            channels.data.map((channel) => (
              <div class="checkbox" key={channel.id}>
                <input
                  id={`job-channel-${channel.id}`}
                  type="checkbox"
                  checked={values.channels.includes(channel.id)}
                  onChange={(event) => {
                    setTouchedChannels(true);
                    const checked = event.currentTarget.checked;
                    setValues((current) => ({
                      ...current,
                      channels: checked
                        ? [...current.channels, channel.id]
                        : current.channels.filter((id) => id !== channel.id),
                    }));
                  }}
                />
                <label for={`job-channel-${channel.id}`}>
                  {channel.name} <span class="muted">({channel.kind})</span>
                </label>
              </div>
            ))
          )}
          {fieldError('channels') ? (
            <div class="field-error" id="job-channels-error" role="alert">
              {fieldError('channels')}
            </div>
          ) : null}
        </fieldset>
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Create job'}
          </button>
          <a class="button" href={href(editing ? `/jobs/${encodeURIComponent(jobRef(job))}` : '/')}>
            Cancel
          </a>
        </div>
      </form>
    </main>
  );
}
