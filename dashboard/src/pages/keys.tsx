import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { ApiKey, Role } from '../api/types';
import { useConfirm } from '../components/confirm';
import { CopyButton } from '../components/copy-button';
import { Field, describedBy } from '../components/field';
import { Freshness } from '../components/freshness';
import { RelTime } from '../components/time';
import { useSession } from '../lib/session';
import { useNow, usePoll } from '../lib/use-poll';

export function KeysPage() {
  const { client, me, refreshSeconds, signOut } = useSession();
  const now = useNow();
  const polled = usePoll(async (signal) => (await client.listKeys(signal)).keys, [], refreshSeconds * 3);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('read-only');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [created, setCreated] = useState<(ApiKey & { key: string }) | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [confirmElement, confirm] = useConfirm();

  const create = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setCreated(await client.createKey(name.trim(), role));
      setName('');
      polled.reload();
    } catch (cause) {
      setError(cause instanceof ApiError ? cause : new ApiError(0, 'internal', String(cause)));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: ApiKey): Promise<void> => {
    const own = key.id === me.key.id;
    const ok = await confirm(
      `Revoke ${key.name}?`,
      own
        ? 'This is the key you are signed in with: you will be signed out. Anything using it stops working at once.'
        : 'Anything using this key stops working at once. This cannot be undone.',
      'Revoke key',
    );
    if (!ok) return;
    try {
      await client.revokeKey(key.id);
      if (own) signOut();
      else polled.reload();
    } catch (cause) {
      setError(cause instanceof ApiError ? cause : new ApiError(0, 'internal', String(cause)));
    }
  };

  const nameError = error?.fields.name;
  const roleError = error?.fields.role;
  return (
    <main id="main" class="keys-page">
      {confirmElement}
      <h1>API keys</h1>
      <Freshness polled={polled} now={now} intervalSeconds={refreshSeconds * 3} />
      {created ? (
        <section class="card created-key" aria-labelledby="created-title" role="status">
          <h2 id="created-title">Key “{created.name}” created</h2>
          <p>Copy it now: it is shown only this once and cannot be recovered.</p>
          <div class="ping-url">
            <code id="created-key">{created.key}</code>
            <CopyButton text={created.key} label="Copy the new key" />
          </div>
          <button type="button" class="button" onClick={() => setCreated(undefined)}>
            I have copied it
          </button>
        </section>
      ) : null}
      <form class="card key-form" onSubmit={create} noValidate aria-labelledby="new-key-title">
        <h2 id="new-key-title">New key</h2>
        {error && !nameError && !roleError ? (
          <p class="form-error" role="alert">
            {error.message}
          </p>
        ) : null}
        <div class="row">
          <Field id="key-name" label="Name" error={nameError} hint="Where it will be used, e.g. “wall screen”.">
            <input
              id="key-name"
              type="text"
              value={name}
              autocomplete="off"
              aria-invalid={nameError ? 'true' : undefined}
              aria-describedby={describedBy('key-name', nameError, 'hint')}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          </Field>
          <Field id="key-role" label="Role" error={roleError}>
            <select
              id="key-role"
              value={role}
              aria-invalid={roleError ? 'true' : undefined}
              aria-describedby={describedBy('key-role', roleError)}
              onChange={(event) => setRole(event.currentTarget.value as Role)}
            >
              <option value="read-only">Read-only: sees jobs, changes nothing</option>
              <option value="read-write">Read-write: can change everything</option>
            </select>
          </Field>
        </div>
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </form>
      {polled.data ? (
        <div class="table-scroll">
          <table class="keys">
            <caption class="visually-hidden">API keys of this project</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {polled.data.map((key) => (
                <tr key={key.id} data-key-id={key.id}>
                  <td data-label="Name">
                    {key.name}
                    {key.id === me.key.id ? <span class="tag">this session</span> : null}
                  </td>
                  <td data-label="Role">{key.role}</td>
                  <td data-label="Starts with">
                    <code>{key.prefix}…</code>
                  </td>
                  <td data-label="Created">
                    <RelTime iso={key.created_at} now={now} />
                  </td>
                  <td data-label="Last used">
                    <RelTime iso={key.last_used_at} now={now} />
                  </td>
                  <td>
                    <button
                      type="button"
                      class="button small danger"
                      aria-label={`Revoke ${key.name}`}
                      onClick={() => revoke(key)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </main>
  );
}
