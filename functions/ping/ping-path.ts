import type { SignalKind } from '../../shared/domain/job';
import { isPingKey, isSlug } from '../../shared/app/slugs';
import { UUID_PATTERN } from '../../shared/app/validation';

/**
 * Two URL families reach the same ping service: CronSentry's own `/api/ping/…`, and
 * Healthchecks' `/ping/…` (so that `https://<cronsentry>/ping` replaces `https://hc-ping.com`).
 * They differ only where Healthchecks clients can tell: its plain-text answers, its 400s, its
 * UUID-only run ids and its 201 for a check that `?create=1` made.
 */
export type PingDialect = 'native' | 'healthchecks';

export interface ParsedSignal {
  readonly kind: SignalKind;
  readonly exitCode?: number;
}

export type ParsedTarget = { readonly jobId: string } | { readonly pingKey: string; readonly slug: string };

export interface ParsedPingPath {
  readonly dialect: PingDialect;
  readonly target: ParsedTarget;
  readonly signal: ParsedSignal;
  /**
   * Healthchecks answers 400 `invalid url format` for an exit status over 255 (once it has found
   * the check) and for a slug with capitals (before looking); the path is otherwise understood.
   */
  readonly invalid?: 'exit-status' | 'slug-case';
}

/** Healthchecks' `slug` converter: what it routes before it refuses capitals. */
const ROUTABLE_SLUG = /^[-a-zA-Z0-9_]+$/;
const MAX_EXIT_STATUS = 255;

function splitPath(path: string): { dialect: PingDialect; parts: string[] } | undefined {
  const parts = path.replace(/\/+$/, '').split('/');
  if (parts[1] === 'api' && parts[2] === 'ping') return { dialect: 'native', parts: parts.slice(3) };
  if (parts[1] === 'ping') return { dialect: 'healthchecks', parts: parts.slice(2) };
  return undefined;
}

/** `start`, `fail`, `log`, an exit status, or nothing (success). */
function parseSignal(signal: string | undefined, dialect: PingDialect): ParsedSignal | undefined {
  if (signal === undefined) return { kind: 'success' };
  if (signal === 'start' || signal === 'fail' || signal === 'log') return { kind: signal };
  // Healthchecks routes any run of digits (`<int:exitstatus>`) and refuses > 255 itself.
  const digits = dialect === 'healthchecks' ? /^\d{1,12}$/ : /^\d{1,3}$/;
  if (!digits.test(signal)) return undefined;
  const exitCode = Number(signal);
  if (dialect === 'native' && exitCode > MAX_EXIT_STATUS) return undefined;
  return exitCode === 0 ? { kind: 'success', exitCode } : { kind: 'fail', exitCode };
}

/**
 * `{base}/{uuid}[/{signal}]` and `{base}/{ping key}/{slug}[/{signal}]`, where base is `/api/ping`
 * or `/ping`. Anything else, including a malformed id, is the same "not found" an unknown id
 * gets: nobody learns which ids exist. Only the shape is checked here; whether the job exists is
 * the ping service's (one) question.
 */
export function parsePingPath(path: string): ParsedPingPath | undefined {
  const split = splitPath(path);
  if (!split) return undefined;
  const { dialect, parts } = split;
  const first = parts[0] ?? '';
  // Healthchecks' `uuid` converter takes lower case only; CronSentry's own routes take either.
  const jobId = dialect === 'native' ? first.toLowerCase() : first;
  if (UUID_PATTERN.test(jobId)) {
    if (parts.length > 2) return undefined;
    const signal = parseSignal(parts[1], dialect);
    return signal && withRange({ dialect, target: { jobId }, signal });
  }
  if (parts.length < 2 || parts.length > 3 || !isPingKey(first)) return undefined;
  const slug = parts[1] ?? '';
  const signal = parseSignal(parts[2], dialect);
  if (!signal) return undefined;
  if (isSlug(slug)) return withRange({ dialect, target: { pingKey: first, slug }, signal });
  if (dialect === 'healthchecks' && ROUTABLE_SLUG.test(slug) && isSlug(slug.toLowerCase())) {
    return { dialect, target: { pingKey: first, slug: slug.toLowerCase() }, signal, invalid: 'slug-case' };
  }
  return undefined;
}

function withRange(parsed: ParsedPingPath): ParsedPingPath {
  const exitCode = parsed.signal.exitCode;
  return exitCode !== undefined && exitCode > MAX_EXIT_STATUS ? { ...parsed, invalid: 'exit-status' } : parsed;
}
