import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { CHANNEL_KINDS, type Channel, type ChannelEvent, type ChannelInput, type ChannelKind } from '../api/types';
import { useConfirm } from '../components/confirm';
import { Field, describedBy } from '../components/field';
import { Freshness } from '../components/freshness';
import { RelTime } from '../components/time';
import { useSession } from '../lib/session';
import { useNow, usePoll } from '../lib/use-poll';

interface SettingField {
  name: string;
  label: string;
  hint: string;
  type: 'url' | 'text' | 'password' | 'list' | 'select';
  required: boolean;
  /** For `select`: the values, each with its label, and the one the API uses when none is chosen. */
  options?: readonly (readonly [value: string, label: string])[];
  defaultValue?: string;
}

/** One incoming-webhook URL: Slack and the servers that speak its webhook format. */
const webhookUrl = (hint: string): SettingField => ({
  name: 'url',
  label: 'Incoming webhook URL',
  hint,
  type: 'url',
  required: true,
});

/** What each kind needs. Secrets are masked by the API after creation, so on edit they start empty. */
const KIND_INFO: Record<ChannelKind, { label: string; fields: SettingField[] }> = {
  webhook: {
    label: 'Webhook (signed JSON POST)',
    fields: [
      { name: 'url', label: 'URL', hint: 'Receives a JSON POST for every alert.', type: 'url', required: true },
      {
        name: 'secret',
        label: 'Signing secret (optional)',
        hint: 'Used for the HMAC-SHA256 signature header, so the receiver can verify the alert.',
        type: 'password',
        required: false,
      },
    ],
  },
  slack: {
    label: 'Slack',
    fields: [
      {
        name: 'url',
        label: 'Incoming webhook URL',
        hint: 'From a Slack app with incoming webhooks.',
        type: 'url',
        required: true,
      },
    ],
  },
  discord: {
    label: 'Discord',
    fields: [
      {
        name: 'url',
        label: 'Webhook URL',
        hint: 'Channel settings → Integrations → Webhooks.',
        type: 'url',
        required: true,
      },
    ],
  },
  email: {
    label: 'E-mail',
    fields: [
      {
        name: 'addresses',
        label: 'Addresses',
        hint: 'One or more, separated by commas.',
        type: 'list',
        required: true,
      },
    ],
  },
  sns: {
    label: 'Amazon SNS topic',
    fields: [
      { name: 'topic_arn', label: 'Topic ARN', hint: 'arn:aws:sns:region:account:topic', type: 'text', required: true },
    ],
  },
  pagerduty: {
    label: 'PagerDuty',
    fields: [
      {
        name: 'routing_key',
        label: 'Integration key',
        hint: 'Service → Integrations → Events API v2: the 32-character integration (routing) key.',
        type: 'password',
        required: true,
      },
      {
        name: 'severity',
        label: 'Severity of down alerts',
        hint: 'Recoveries resolve the incident; test messages are always info.',
        type: 'select',
        required: false,
        defaultValue: 'critical',
        options: [
          ['critical', 'critical'],
          ['error', 'error'],
          ['warning', 'warning'],
          ['info', 'info'],
        ],
      },
    ],
  },
  opsgenie: {
    label: 'Opsgenie',
    fields: [
      {
        name: 'api_key',
        label: 'API key',
        hint: 'Team → Integrations → API: the key of the integration.',
        type: 'password',
        required: true,
      },
      {
        name: 'region',
        label: 'Instance',
        hint: 'Where your Opsgenie account lives.',
        type: 'select',
        required: false,
        defaultValue: 'us',
        options: [
          ['us', 'US (api.opsgenie.com)'],
          ['eu', 'EU (api.eu.opsgenie.com)'],
        ],
      },
      {
        name: 'priority',
        label: 'Priority',
        hint: 'P1 is the highest.',
        type: 'select',
        required: false,
        defaultValue: 'P3',
        options: [
          ['P1', 'P1'],
          ['P2', 'P2'],
          ['P3', 'P3'],
          ['P4', 'P4'],
          ['P5', 'P5'],
        ],
      },
    ],
  },
  teams: {
    label: 'Microsoft Teams',
    fields: [
      {
        name: 'url',
        label: 'Workflows webhook URL',
        hint: 'Channel → Workflows → "Post to a channel when a webhook request is received".',
        type: 'url',
        required: true,
      },
    ],
  },
  googlechat: {
    label: 'Google Chat',
    fields: [webhookUrl('Space → Apps & integrations → Webhooks → Add webhook.')],
  },
  telegram: {
    label: 'Telegram',
    fields: [
      { name: 'bot_token', label: 'Bot token', hint: 'From @BotFather: /newbot.', type: 'password', required: true },
      {
        name: 'chat_id',
        label: 'Chat id',
        hint: 'A numeric chat id (groups start with -) or @channelusername; add the bot to the chat first.',
        type: 'text',
        required: true,
      },
    ],
  },
  ntfy: {
    label: 'ntfy',
    fields: [
      {
        name: 'topic',
        label: 'Topic',
        hint: 'Letters, digits, - and _; hard to guess.',
        type: 'password',
        required: true,
      },
      {
        name: 'server',
        label: 'Server (optional)',
        hint: 'https://ntfy.sh unless you run your own.',
        type: 'url',
        required: false,
      },
      {
        name: 'token',
        label: 'Access token (optional)',
        hint: 'tk_… for a protected topic.',
        type: 'password',
        required: false,
      },
      {
        name: 'priority',
        label: 'Priority of down alerts',
        hint: 'Recoveries are sent at the default priority.',
        type: 'select',
        required: false,
        defaultValue: '4',
        options: [
          ['5', '5 – max'],
          ['4', '4 – high'],
          ['3', '3 – default'],
          ['2', '2 – low'],
          ['1', '1 – min'],
        ],
      },
    ],
  },
  pushover: {
    label: 'Pushover',
    fields: [
      {
        name: 'token',
        label: 'Application API token',
        hint: 'Create an application at pushover.net.',
        type: 'password',
        required: true,
      },
      {
        name: 'user',
        label: 'User or group key',
        hint: 'On your Pushover dashboard.',
        type: 'password',
        required: true,
      },
      {
        name: 'priority',
        label: 'Priority of down alerts',
        hint: 'Emergency repeats every minute for an hour until acknowledged; recoveries are never above normal.',
        type: 'select',
        required: false,
        defaultValue: '1',
        options: [
          ['2', 'emergency'],
          ['1', 'high'],
          ['0', 'normal'],
          ['-1', 'low'],
          ['-2', 'lowest'],
        ],
      },
      {
        name: 'device',
        label: 'Devices (optional)',
        hint: 'Device names separated by commas; all devices when empty.',
        type: 'text',
        required: false,
      },
    ],
  },
  mattermost: {
    label: 'Mattermost',
    fields: [webhookUrl('Integrations → Incoming Webhooks (Slack-compatible): https://your-server/hooks/…')],
  },
  rocketchat: {
    label: 'Rocket.Chat',
    fields: [webhookUrl('Administration → Integrations → Incoming: https://your-server/hooks/…')],
  },
};

interface Draft {
  kind: ChannelKind;
  name: string;
  settings: Record<string, string>;
  events: ChannelEvent[];
  is_default: boolean;
}

const EMPTY_DRAFT: Draft = { kind: 'webhook', name: '', settings: {}, events: ['down', 'up'], is_default: false };

function settingsOf(draft: Draft, editing: boolean): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of KIND_INFO[draft.kind].fields) {
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

function ChannelForm({ channel, onDone }: { channel?: Channel; onDone: (saved: boolean) => void }) {
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
  const placed = ['kind', 'name', 'events', 'is_default', ...KIND_INFO[draft.kind].fields.map((f) => f.name)].some(
    (name) => errorFor(name),
  );

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const input: ChannelInput = {
        kind: draft.kind,
        name: draft.name.trim(),
        settings: settingsOf(draft, editing),
        events: draft.events,
        is_default: draft.is_default,
      };
      if (editing) {
        const { kind: _kind, ...patch } = input;
        await client.updateChannel(
          channel.id,
          Object.keys(patch.settings).length ? patch : { ...patch, settings: undefined },
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
            {CHANNEL_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {KIND_INFO[kind].label}
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
      {KIND_INFO[draft.kind].fields.map((field) => {
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
                value={draft.settings[field.name] ?? String(channel?.settings[field.name] ?? field.defaultValue)}
                aria-invalid={message ? 'true' : undefined}
                aria-describedby={describedBy(id, message, field.hint)}
                onChange={(event) => change(event.currentTarget.value)}
              >
                {field.options.map(([value, label]) => (
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

function ChannelCard({ channel, onChanged }: { channel: Channel; onChanged: () => void }) {
  const { client, canWrite } = useSession();
  const now = useNow();
  const [editing, setEditing] = useState(false);
  const [test, setTest] = useState<{ ok: boolean; detail: string } | 'running' | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [confirmElement, confirm] = useConfirm();

  if (editing) {
    return (
      <li>
        <ChannelForm
          channel={channel}
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
        <span class="muted">{KIND_INFO[channel.kind]?.label ?? channel.kind}</span>
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
      {creating ? (
        <ChannelForm
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
          <ChannelCard key={channel.id} channel={channel} onChanged={polled.reload} />
        ))}
      </ul>
    </main>
  );
}
