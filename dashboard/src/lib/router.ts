import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/jobs/<id>`): the dashboard is static files, and hash routes need no rewrite
 * rule on the sandbox, S3 or CloudFront, so a deep link always loads the app.
 */
export type Route =
  | { name: 'overview'; params: URLSearchParams }
  | { name: 'new-job' }
  | { name: 'job'; id: string }
  | { name: 'edit-job'; id: string }
  | { name: 'channels' }
  | { name: 'keys' }
  | { name: 'maintenance' }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'overview', params: new URLSearchParams(query) };
  if (parts[0] === 'jobs' && parts[1] === 'new' && parts.length === 2) return { name: 'new-job' };
  if (parts[0] === 'jobs' && parts[1] && parts.length === 2) return { name: 'job', id: parts[1] };
  if (parts[0] === 'jobs' && parts[1] && parts[2] === 'edit' && parts.length === 3) {
    return { name: 'edit-job', id: parts[1] };
  }
  if (parts[0] === 'channels' && parts.length === 1) return { name: 'channels' };
  if (parts[0] === 'keys' && parts.length === 1) return { name: 'keys' };
  if (parts[0] === 'maintenance' && parts.length === 1) return { name: 'maintenance' };
  return { name: 'not-found', path };
}

export function href(path: string): string {
  return `#${path}`;
}

export function navigate(path: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', href(path));
  else window.location.hash = path;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = (): void => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash);
}
