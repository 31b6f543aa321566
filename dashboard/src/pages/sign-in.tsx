import { useEffect, useState } from 'preact/hooks';
import { ApiClient, ApiError } from '../api/client';
import type { Me } from '../api/types';
import { Field, describedBy } from '../components/field';

export function SignIn({
  onSignedIn,
  notice,
}: {
  onSignedIn: (key: string, me: Me, remember: boolean) => void;
  notice?: string;
}) {
  const [key, setKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter an API key.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const me = await new ApiClient(trimmed).me();
      onSignedIn(trimmed, me, remember);
    } catch (cause) {
      if (cause instanceof ApiError && (cause.status === 401 || cause.status === 403)) {
        setError('That key was not accepted. Check it was copied whole, and that it has not been revoked.');
      } else if (cause instanceof ApiError) {
        setError(cause.message);
      } else {
        setError(String(cause));
      }
    } finally {
      setBusy(false);
    }
  };

  // `autofocus` works once per document; after signing out the field is focused here.
  useEffect(() => document.getElementById('api-key')?.focus(), []);

  const hint = 'The key starts with csk_. The sandbox prints one when it starts.';
  return (
    <main id="main" class="sign-in">
      <form class="card" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">
          <span class="brand-mark" aria-hidden="true">
            ◉
          </span>{' '}
          Sign in to CronSentry
        </h1>
        {notice ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        <Field id="api-key" label="API key" error={error} hint={hint}>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autocomplete="current-password"
            spellcheck={false}
            value={key}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={describedBy('api-key', error, hint)}
            onInput={(event) => setKey(event.currentTarget.value)}
            required
          />
        </Field>
        <div class="checkbox">
          <input
            id="remember"
            type="checkbox"
            checked={remember}
            onChange={(event) => setRemember(event.currentTarget.checked)}
          />
          <label for="remember">Remember me on this device (otherwise the key is forgotten when the tab closes)</label>
        </div>
        <button class="button primary" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
