import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PlainResponse } from './api-gateway-event';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The same security headers CloudFront adds on AWS. */
export const DASHBOARD_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/**
 * Serves the built dashboard. Paths are resolved inside the root (no traversal); unknown paths
 * without an extension get index.html so client-side routes survive a reload.
 */
export async function serveStatic(root: string, urlPath: string): Promise<PlainResponse> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return notFound();
  }
  const resolved = path.resolve(root, '.' + path.posix.normalize('/' + relative));
  if (!resolved.startsWith(path.resolve(root) + path.sep) && resolved !== path.resolve(root)) return notFound();
  const candidates = [resolved, path.join(resolved, 'index.html')];
  if (!path.extname(resolved)) candidates.push(path.join(root, 'index.html'));
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => undefined);
    if (!info?.isFile()) continue;
    const type = TYPES[path.extname(candidate)] ?? 'application/octet-stream';
    const immutable = candidate.includes(`${path.sep}assets${path.sep}`);
    return {
      status: 200,
      headers: {
        ...DASHBOARD_HEADERS,
        'content-type': type,
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      body: await readFile(candidate),
    };
  }
  return notFound();
}

function notFound(): PlainResponse {
  return {
    status: 404,
    headers: { ...DASHBOARD_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
    body: Buffer.from('Not found'),
  };
}
