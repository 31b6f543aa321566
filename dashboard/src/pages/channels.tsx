import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { Channel, ChannelEvent, ChannelInput, ChannelKind, ChannelKindInfo } from '../api/types';
import { useConfirm } from '../components/confirm';
import { Field, describedBy } from '../components/field';
import { Freshness } from '../components/freshness';
import { RelTime } from '../components/time';
import { useSession } from '../lib/session';
import { useNow, usePoll } from '../lib/use-poll';

/** The kinds of channel, with their settings, from `GET /api/channel-kinds` (the server's registry). */
type KindInfo = Map<ChannelKind, ChannelKindInfo>;

/** Loads the channel kinds once per page: they change only with a deployment. */
function useChannelKinds(): KindInfo | undefined {
  const { client } = useSession();
  const [kinds, setKinds] = useState<KindInfo | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    client
      .channelKinds(controller.signal)
      .then(({ kinds: list }) => setKinds(new Map(list.map((info) => [info.kind, info]))))
      .catch(() => undefined);
    return () => controller.abort();
  }, [client]);
  return kinds;
}

interface Draft {
  kind: ChannelKind;
  name: string;
  settings: Record<string, string>;
  events: ChannelEvent[];
  is_default: boolean;
}

const EMPTY_DRAFT: Draft = { kind: 'webhook', name: '', settings: {}, events: ['down', 'up'], is_default: false };

function settingsOf(draft: Draft, editing: boolean, kinds: KindInfo): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of kinds.get(draft.kind)?.fields ?? []) {
    const value = (draft.settings[field.name] ?? '').trim();
    if (!value && (editing || !field.required)) continue; // keep the stored (masked) value
    settings[field.name] =
      field.type === 'list'
        ? value
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean)
        : value;
  }
  return settings;
}

function ChannelForm({
  channel,
  kinds,
  onDone,
}: {
  channel?: Channel;
  kinds: KindInfo;
  onDone: (saved: boolean) => void;
}) {
  const { client } = useSession();
  const editing = channel !== undefined;
  const [draft, setDraft] = useState<Draft>(() =>
    channel
      ? {
          kind: channel.kind,
          name: channel.name,
          settings: {},
          events: [...channel.events],
          is_default: channel.is_default,
        }
      : { ...EMPTY_DRAFT, settings: {} },
  );
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const prefix = channel ? `channel-${channel.id}` : 'channel-new';
  const fields = error?.fields ?? {};
  const errorFor = (name: string): string | undefined => fields[name] ?? fields[`settings.${name}`];
  const fieldsOfKind = kinds.get(draft.kind)?.fields ?? [];
  const placed = ['kind', 'name', 'events', 'is_default', ...fieldsOfKind.map((f) => f.name)].some((name) =>
    errorFor(name),
  );

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const input: ChannelInput = {
        kind: draft.kind,
        name: draft.name.trim(),
        settings: settingsOf(draft, editing, kinds),
        events: draft.events,
        is_default: draft.is_default,
      };
      if (editing) {
        const { kind: _kind, ...patch } = input;
        await client.updateChannel(
          channel.id,
          Object.keys(patch.settings ?? {}).length ? patch : { ...patch, settings: undefined },
        );
      } else {
        await client.createChannel(input);
      }
      onDone(true);
    } catch (cause) {
      setError(cause instanceof ApiError ? cause : new ApiError(0, 'internal', String(cause)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="card channel-form"
      onSubmit={submit}
      noValidate
      aria-label={editing ? `Edit ${channel.name}` : 'New channel'}
    >
      <h2>{editing ? `Edit ${channel.name}` : 'New channel'}</h2>
      {error && !placed ? (
        <p class="form-error" role="alert">
          {error.message}
        </p>
      ) : null}
      <div class="row">
        <Field id={`${prefix}-kind`} label="Kind" error={errorFor('kind')}>
          <select
            id={`${prefix}-kind`}
            value={draft.kind}
            disabled={editing}
            aria-invalid={errorFor('kind') ? 'true' : undefined}
            aria-describedby={describedBy(`${prefix}-kind`, errorFor('kind'))}
            onChange={(event) => setDraft({ ...draft, kind: event.currentTarget.value as ChannelKind, settings: {} })}
          >
            {[...kinds.values()].map((info) => (
              <option key={info.kind} value={info.kind}>
                {info.label}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${prefix}-name`} label="Name" error={errorFor('name')}>
          <input
            id={`${prefix}-name`}
            type="text"
            value={draft.name}
            autocomplete="off"
            aria-invalid={errorFor('name') ? 'true' : undefined}
            aria-describedby={describedBy(`${prefix}-name`, errorFor('name'))}
            onInput={(event) => setDraft({ ...draft, name: event.currentTarget.value })}
          />
        </Field>
      </div>
      {fieldsOfKind.map((field) => {
        const id = `${prefix}-${field.name}`;
        const message = errorFor(field.name);
        const masked = channel?.settings[field.name];
        const hint =
          editing && masked !== undefined ? `${field.hint} Leave empty to keep the current value.` : field.hint;
        const change = (value: string) => setDraft({ ...draft, settings: { ...draft.settings, [field.name]: value } });
        if (field.options) {
          // Not a secret: the stored value is shown as it is, and the API's default until one is chosen.
          return (
            <Field key={field.name} id={id} label={field.label} error={message} hint={field.hint}>
              <select
                id={id}
                value={draft.settings[field.name] ?? String(channel?.settings[field.name] ?? field.default)}
                aria-invalid={message ? 'true' : undefined}
                aria-describedby={describedBy(id, message, field.hint)}
                onChange={(event) => change(event.currentTarget.value)}
              >
                {field.options.map(({ value, label }) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
          );
        }
        return (
          <Field key={field.name} id={id} label={field.label} error={message} hint={hint}>
            <input
              id={id}
              // Preact types each input `type` apart; all three accept the same attributes used here.
              type={(field.type === 'list' ? 'text' : field.type) as 'text'}
              value={draft.settings[field.name] ?? ''}
              placeholder={masked !== undefined ? String(masked) : undefined}
              autocomplete="off"
              spellcheck={false}
              aria-invalid={message ? 'true' : undefined}
              aria-describedby={describedBy(id, message, hint)}
              onInput={(event) => change(event.currentTarget.value)}
            />
          </Field>
        );
      })}
      <fieldset aria-describedby={errorFor('events') ? `${prefix}-events-error` : undefined}>
        <legend>Send alerts when a job</legend>
        {(
          [
            ['down', 'goes down (missing or failed)'],
            ['up', 'recovers'],
          ] as const
        ).map(([value, label]) => (
          <div class="checkbox" key={value}>
            <input
              id={`${prefix}-event-${value}`}
              type="checkbox"
              checked={draft.events.includes(value)}
              onChange={(event) =>
                setDraft({
                  ...draft,
                  events: event.currentTarget.checked
                    ? [...draft.events.filter((e) => e !== value), value]
                    : draft.events.filter((e) => e !== value),
                })
              }
            />
            <label for={`${prefix}-event-${value}`}>{label}</label>
          </div>
        ))}
        {errorFor('events') ? (
          <div class="field-error" id={`${prefix}-events-error`} role="alert">
            {errorFor('events')}
          </div>
        ) : null}
      </fieldset>
      <div class="checkbox">
        <input
          id={`${prefix}-default`}
          type="checkbox"
          checked={draft.is_default}
          onChange={(event) => setDraft({ ...draft, is_default: event.currentTarget.checked })}
        />
        <label for={`${prefix}-default`}>Use for new jobs by default</label>
      </div>
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save channel' : 'Create channel'}
        </button>
        <button type="button" class="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ChannelCard({
  channel,
  kinds,
  onChanged,
}: {
  channel: Channel;
  kinds: KindInfo | undefined;
  onChanged: () => void;
}) {
  const { client, canWrite } = useSession();
  const now = useNow();
  const [editing, setEditing] = useState(false);
  const [test, setTest] = useState<{ ok: boolean; detail: string } | 'running' | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [confirmElement, confirm] = useConfirm();

  if (editing && kinds) {
    return (
      <li>
        <ChannelForm
          channel={channel}
          kinds={kinds}
          onDone={(saved) => {
            setEditing(false);
            if (saved) onChanged();
          }}
        />
      </li>
    );
  }
  const delivery = channel.last_delivery;
  return (
    <li class="card channel" data-channel-id={channel.id}>
      {confirmElement}
      <div class="channel-head">
        <h2>{channel.name}</h2>
        <span class="muted">{kinds?.get(channel.kind)?.label ?? channel.kind}</span>
        {channel.is_default ? <span class="tag">default</span> : null}
      </div>
      <p class="small">
        Alerts on:{' '}
        {channel.events.length ? channel.events.map((e) => (e === 'down' ? 'down' : 'recovery')).join(', ') : 'nothing'}
      </p>
      <p class="small last-delivery">
        Last delivery:{' '}
        {delivery ? (
          <>
            <span class={delivery.outcome === 'sent' ? 'ok' : delivery.outcome === 'failed' ? 'bad' : undefined}>
              {delivery.outcome}
            </span>{' '}
            <RelTime iso={delivery.at} now={now} />
            {delivery.error ? <span class="bad"> — {delivery.error}</span> : null}
          </>
        ) : (
          <span class="muted">none yet</span>
        )}
      </p>
      {test && test !== 'running' ? (
        <p class={`test-result ${test.ok ? 'ok' : 'bad'}`} role="status">
          Test {test.ok ? 'delivered' : 'failed'}: {test.detail}
        </p>
      ) : null}
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {canWrite ? (
        <div class="actions" role="group" aria-label={`Actions for ${channel.name}`}>
          <button
            type="button"
            class="button"
            disabled={test === 'running'}
            onClick={async () => {
              setTest('running');
              setError(undefined);
              try {
                setTest(await client.testChannel(channel.id));
                onChanged();
              } catch (cause) {
                setTest(undefined);
                setError(cause instanceof ApiError ? cause.message : String(cause));
              }
            }}
          >
            {test === 'running' ? 'Sending test…' : 'Send test'}
          </button>
          <button type="button" class="button" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button
            type="button"
            class="button danger"
            onClick={async () => {
              if (
                !(await confirm(
                  `Delete ${channel.name}?`,
                  'Jobs that use it will no longer alert through it.',
                  'Delete channel',
                ))
              ) {
                return;
              }
              try {
                await client.deleteChannel(channel.id);
                onChanged();
              } catch (cause) {
                setError(cause instanceof ApiError ? cause.message : String(cause));
              }
            }}
          >
            Delete
          </button>
        </div>
      ) : null}
    </li>
  );
}

export function ChannelsPage() {
  const { client, canWrite, refreshSeconds } = useSession();
  const now = useNow();
  const [creating, setCreating] = useState(false);
  const polled = usePoll(async (signal) => (await client.listChannels(signal)).channels, [], refreshSeconds);
  const kinds = useChannelKinds();

  return (
    <main id="main" class="channels-page">
      <div class="page-head">
        <h1>Alert channels</h1>
        {canWrite && !creating ? (
          <button type="button" class="button primary" onClick={() => setCreating(true)}>
            New channel
          </button>
        ) : null}
      </div>
      <Freshness polled={polled} now={now} intervalSeconds={refreshSeconds} />
      {creating && kinds ? (
        <ChannelForm
          kinds={kinds}
          onDone={(saved) => {
            setCreating(false);
            if (saved) polled.reload();
          }}
        />
      ) : null}
      {polled.data && polled.data.length === 0 ? (
        <p class="card empty">
          No channels yet. Channels say where alerts go: e-mail, chat (Slack, Teams, Google Chat, Discord, Mattermost,
          Rocket.Chat, Telegram), phones (PagerDuty, Opsgenie, Pushover, ntfy), a webhook or SNS.
        </p>
      ) : null}
      <ul class="channel-list">
        {(polled.data ?? []).map((channel) => (
          <ChannelCard key={channel.id} channel={channel} kinds={kinds} onChanged={polled.reload} />
        ))}
      </ul>
    </main>
  );
}
