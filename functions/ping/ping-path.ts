import type { SignalKind } from '../../shared/domain/job';
import { isPingKey, isSlug, MAX_SLUG_LENGTH, PING_KEY_PATTERN, SLUG_PATTERN } from '../../shared/app/slugs';
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

export type PingParameter = 'id' | 'signal' | 'ping_key' | 'slug';

export interface PingRoute {
  readonly dialect: PingDialect;
  /** An OpenAPI path template; every `{…}` is one of the PING_PARAMETERS. */
  readonly path: string;
}

/**
 * Every ping URL, in one table: the ping handler matches paths against it and the OpenAPI
 * document (contract/document.ts) describes it, so neither can name a route the other lacks.
 * A job's UUID and a ping key never look alike (36 characters against 22), so at most one
 * template of a length matches.
 */
export const PING_ROUTES: readonly PingRoute[] = (['native', 'healthchecks'] as const).flatMap((dialect) => {
  const base = dialect === 'native' ? '/api/ping' : '/ping';
  return ['{id}', '{id}/{signal}', '{ping_key}/{slug}', '{ping_key}/{slug}/{signal}'].map((tail) => ({
    dialect,
    path: `${base}/${tail}`,
  }));
});

/** Healthchecks' `slug` converter: what it routes before it refuses capitals. */
const ROUTABLE_SLUG = /^[-a-zA-Z0-9_]+$/;
const MAX_EXIT_STATUS = 255;
/** Healthchecks routes any run of digits (`<int:exitstatus>`) and refuses > 255 itself. */
const EXIT_STATUS = { native: /^\d{1,3}$/, healthchecks: /^\d{1,12}$/ } as const;
const SIGNAL_WORDS = ['start', 'fail', 'log'] as const;

/** What one `{…}` of a template accepts, per dialect: the pattern the document shows, and the parser. */
export const PING_PARAMETERS: Record<
  PingParameter,
  { readonly description: string; readonly pattern: (dialect: PingDialect) => RegExp; readonly maxLength?: number }
> = {
  id: {
    description: "The job's id (a UUID): the ping credential. Healthchecks' URLs take it in lower case only.",
    // Spelt out rather than with the `i` flag: JSON Schema patterns have no flags.
    pattern: (dialect) =>
      dialect === 'native' ? new RegExp(UUID_PATTERN.source.replaceAll('a-f', 'a-fA-F')) : UUID_PATTERN,
  },
  signal: {
    description:
      '`start`, `fail`, `log`, or the exit status of the run (0 is a success, anything else a failure; at most 255).',
    pattern: (dialect) =>
      new RegExp(`^(?:${SIGNAL_WORDS.join('|')}|${EXIT_STATUS[dialect].source.replace(/^\^|\$$/g, '')})$`),
  },
  ping_key: {
    description: "The project's ping key (`GET /api/project`): with a slug, it names a job by name.",
    pattern: () => PING_KEY_PATTERN,
  },
  slug: {
    description:
      "The job's name, slugified (`Nightly DB backup` → `nightly-db-backup`). Healthchecks' URLs answer 400 for capitals.",
    pattern: (dialect) => (dialect === 'native' ? SLUG_PATTERN : ROUTABLE_SLUG),
    maxLength: MAX_SLUG_LENGTH,
  },
};

/** `start`, `fail`, `log`, an exit status, or nothing (success). */
function parseSignal(signal: string | undefined, dialect: PingDialect): ParsedSignal | undefined {
  if (signal === undefined) return { kind: 'success' };
  if ((SIGNAL_WORDS as readonly string[]).includes(signal)) return { kind: signal as SignalKind };
  if (!EXIT_STATUS[dialect].test(signal)) return undefined;
  const exitCode = Number(signal);
  if (dialect === 'native' && exitCode > MAX_EXIT_STATUS) return undefined;
  return exitCode === 0 ? { kind: 'success', exitCode } : { kind: 'fail', exitCode };
}

/** The templates split once, at cold start: a ping only compares segments. */
const TEMPLATES = PING_ROUTES.map((route) => ({ dialect: route.dialect, pieces: route.path.split('/') }));

/** The `{name}` values of a template, or undefined when the path has another shape. */
function matchTemplate(
  pieces: readonly string[],
  parts: readonly string[],
): Partial<Record<PingParameter, string>> | undefined {
  if (pieces.length !== parts.length) return undefined;
  const values: Partial<Record<PingParameter, string>> = {};
  for (const [index, piece] of pieces.entries()) {
    const part = parts[index]!;
    if (piece.startsWith('{')) values[piece.slice(1, -1) as PingParameter] = part;
    else if (piece !== part) return undefined;
  }
  return values;
}

/** One template's values, checked: the parsed ping, or undefined when a value does not fit. */
function fromValues(dialect: PingDialect, values: Partial<Record<PingParameter, string>>): ParsedPingPath | undefined {
  const signal = parseSignal(values.signal, dialect);
  if (!signal) return undefined;
  if (values.id !== undefined) {
    // Healthchecks' `uuid` converter takes lower case only; CronSentry's own routes take either.
    const jobId = dialect === 'native' ? values.id.toLowerCase() : values.id;
    return UUID_PATTERN.test(jobId) ? withRange({ dialect, target: { jobId }, signal }) : undefined;
  }
  const pingKey = values.ping_key ?? '';
  const slug = values.slug ?? '';
  if (!isPingKey(pingKey)) return undefined;
  if (isSlug(slug)) return withRange({ dialect, target: { pingKey, slug }, signal });
  if (dialect === 'healthchecks' && ROUTABLE_SLUG.test(slug) && isSlug(slug.toLowerCase())) {
    return { dialect, target: { pingKey, slug: slug.toLowerCase() }, signal, invalid: 'slug-case' };
  }
  return undefined;
}

/**
 * The first of PING_ROUTES that the path fits. Anything else, including a malformed id, is the
 * same "not found" an unknown id gets: nobody learns which ids exist. Only the shape is checked
 * here; whether the job exists is the ping service's (one) question. Trailing slashes are ignored.
 */
export function parsePingPath(path: string): ParsedPingPath | undefined {
  const parts = path.replace(/\/+$/, '').split('/');
  for (const template of TEMPLATES) {
    const values = matchTemplate(template.pieces, parts);
    const parsed = values && fromValues(template.dialect, values);
    if (parsed) return parsed;
  }
  return undefined;
}

function withRange(parsed: ParsedPingPath): ParsedPingPath {
  const exitCode = parsed.signal.exitCode;
  return exitCode !== undefined && exitCode > MAX_EXIT_STATUS ? { ...parsed, invalid: 'exit-status' } : parsed;
}
