import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiClient, ApiError } from './api/client';
import type { Job, Me } from './api/types';
import { ChannelsPage } from './pages/channels';
import { JobForm } from './pages/job-form';
import { JobPage } from './pages/job-page';
import { KeysPage } from './pages/keys';
import { MaintenancePage } from './pages/maintenance';
import { Overview } from './pages/overview';
import { SignIn } from './pages/sign-in';
import { href, useRoute, type Route } from './lib/router';
import { SessionContext, useSession, type Session } from './lib/session';
import { forgetKey, loadKey, refreshSeconds, saveKey } from './lib/settings';

type Auth =
  | { state: 'checking'; key: string }
  | { state: 'signed-out'; notice?: string }
  | { state: 'unreachable'; key: string; message: string }
  | { state: 'signed-in'; key: string; me: Me };

function initialAuth(): Auth {
  const key = loadKey();
  return key ? { state: 'checking', key } : { state: 'signed-out' };
}

const TITLES: Record<Route['name'], string> = {
  overview: 'Jobs',
  'new-job': 'New job',
  job: 'Job',
  'edit-job': 'Edit job',
  channels: 'Channels',
  keys: 'API keys',
  maintenance: 'Maintenance',
  'not-found': 'Not found',
};

export function App() {
  const [auth, setAuth] = useState<Auth>(initialAuth);
  const route = useRoute();
  const interval = useMemo(() => refreshSeconds(), []);

  useEffect(() => {
    if (auth.state !== 'checking') return;
    new ApiClient(auth.key)
      .me()
      .then((me) => setAuth({ state: 'signed-in', key: auth.key, me }))
      .catch((cause: unknown) => {
        if (cause instanceof ApiError && (cause.status === 401 || cause.status === 403)) {
          forgetKey();
          setAuth({ state: 'signed-out', notice: 'Your saved key is no longer accepted. Sign in again.' });
        } else {
          const message = cause instanceof ApiError ? cause.message : String(cause);
          setAuth({ state: 'unreachable', key: auth.key, message });
        }
      });
  }, [auth]);

  useEffect(() => {
    document.title = auth.state === 'signed-in' ? `${TITLES[route.name]} · CronSentry` : 'Sign in · CronSentry';
  }, [auth.state, route.name]);

  // After moving to another page, put focus on its heading, as a full page load would for a
  // screen reader. Filter changes on the overview keep the page (and the focus in the search box).
  const pageKey = `${route.name}:${'id' in route ? route.id : ''}`;
  const firstPage = useRef(true);
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    const timer = setTimeout(() => {
      const heading = document.querySelector<HTMLElement>('main h1');
      // A control the new page focused itself (the new-job form's name field) keeps the focus.
      const claimed = document.activeElement?.closest('main') && !heading?.contains(document.activeElement);
      if (heading && !claimed) {
        heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: false });
      }
    }, 0);
    return () => clearTimeout(timer);
  }, [pageKey]);

  const session = useMemo<Session | undefined>(() => {
    if (auth.state !== 'signed-in') return undefined;
    return {
      client: new ApiClient(auth.key),
      me: auth.me,
      canWrite: auth.me.key.role === 'read-write',
      refreshSeconds: interval,
      signOut: () => {
        forgetKey();
        setAuth({ state: 'signed-out', notice: 'You are signed out.' });
      },
    };
  }, [auth, interval]);

  if (auth.state === 'checking') {
    return (
      <main id="main" class="centered" aria-busy="true">
        <p>Checking your key…</p>
      </main>
    );
  }
  if (auth.state === 'unreachable') {
    return (
      <main id="main" class="centered">
        <div class="card">
          <h1>CronSentry cannot be reached</h1>
          <p role="alert">{auth.message}</p>
          <div class="actions">
            <button type="button" class="button primary" onClick={() => setAuth({ state: 'checking', key: auth.key })}>
              Try again
            </button>
            <button
              type="button"
              class="button"
              onClick={() => {
                forgetKey();
                setAuth({ state: 'signed-out' });
              }}
            >
              Sign in with another key
            </button>
          </div>
        </div>
      </main>
    );
  }
  if (auth.state === 'signed-out' || !session) {
    return (
      <SignIn
        notice={auth.state === 'signed-out' ? auth.notice : undefined}
        onSignedIn={(key, me, remember) => {
          saveKey(key, remember);
          setAuth({ state: 'signed-in', key, me });
        }}
      />
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <Header route={route} />
      <Page route={route} />
    </SessionContext.Provider>
  );
}

/** Hash routing owns `#…`, so the skip link moves focus itself instead of changing the hash. */
function skipToMain(event: MouseEvent): void {
  event.preventDefault();
  const main = document.getElementById('main');
  if (main) {
    main.setAttribute('tabindex', '-1');
    main.focus();
  }
}

function Header({ route }: { route: Route }) {
  const { me, canWrite, signOut } = useSession();
  const link = (name: Route['name'], path: string, label: string) => {
    const current = route.name === name || (name === 'overview' && ['job', 'new-job', 'edit-job'].includes(route.name));
    return (
      <a href={href(path)} aria-current={current ? 'page' : undefined}>
        {label}
      </a>
    );
  };
  return (
    <header class="top">
      <a class="brand" href={href('/')}>
        <span class="brand-mark" aria-hidden="true">
          ◉
        </span>{' '}
        CronSentry
      </a>
      <nav aria-label="Main">
        {link('overview', '/', 'Jobs')}
        {link('channels', '/channels', 'Channels')}
        {link('maintenance', '/maintenance', 'Maintenance')}
        {canWrite ? link('keys', '/keys', 'Keys') : null}
      </nav>
      <div class="who">
        <span class="project" title={`Key: ${me.key.name}`}>
          {me.project.name}
        </span>
        {canWrite ? null : (
          <span class="tag read-only" data-testid="read-only">
            read-only
          </span>
        )}
        <button type="button" class="button small" onClick={signOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

function EditJob({ id }: { id: string }) {
  const { client } = useSession();
  const [job, setJob] = useState<Job | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    client
      .getJob(id)
      .then(setJob)
      .catch((cause: unknown) => setError(cause instanceof ApiError ? cause.message : String(cause)));
  }, [client, id]);
  if (error) {
    return (
      <main id="main">
        <h1>Cannot edit this job</h1>
        <p role="alert">{error}</p>
      </main>
    );
  }
  return job ? <JobForm job={job} /> : <main id="main" aria-busy="true" />;
}

function ReadOnly() {
  return (
    <main id="main">
      <h1>Read-only key</h1>
      <p>
        This key can look but not change anything. <a href={href('/')}>Back to the jobs</a>
      </p>
    </main>
  );
}

function Page({ route }: { route: Route }) {
  const { canWrite } = useSession();
  switch (route.name) {
    case 'overview':
      return <Overview params={route.params} />;
    case 'new-job':
      return canWrite ? <JobForm /> : <ReadOnly />;
    case 'job':
      return <JobPage key={route.id} id={route.id} />;
    case 'edit-job':
      return canWrite ? <EditJob key={route.id} id={route.id} /> : <ReadOnly />;
    case 'channels':
      return <ChannelsPage />;
    case 'keys':
      return canWrite ? <KeysPage /> : <ReadOnly />;
    case 'maintenance':
      return <MaintenancePage />;
    default:
      return (
        <main id="main">
          <h1>Page not found</h1>
          <p>
            <a href={href('/')}>Back to the jobs</a>
          </p>
        </main>
      );
  }
}
