import { parseArgs } from 'node:util';
import type { components, operations } from '../contract/api-types';
import { slugify } from '../shared/app/slugs';
import type { Io } from './main';

export const IMPORT_USAGE = `cronsentry import healthchecks — copy checks from a Healthchecks instance into CronSentry

Usage:
  cronsentry import healthchecks --url <healthchecks site> --api-key <read-write key>
                                 [--to <cronsentry url>] [--to-key <cronsentry key>] [--dry-run]

  --url        the Healthchecks site, e.g. https://healthchecks.io (its API v3 is read)
  --api-key    a read-write API key of the Healthchecks project (a read-only key shows no UUIDs)
  --to         the CronSentry deployment (env CRONSENTRY_URL)
  --to-key     a read-write CronSentry API key (env CRONSENTRY_API_KEY)
  --dry-run    say what would change, change nothing

Every check becomes a job with the same UUID, so crontab lines keep working once their base URL
points at CronSentry. Name, tags, description, period or cron schedule, time zone and grace are
copied. Running it again updates what changed and leaves the rest alone.
`;

/**
 * A check as `GET /api/v3/checks/` lists it: CronSentry's answer, typed from the OpenAPI document;
 * Healthchecks' own has these fields too (and more, which the import does not read).
 */
type SourceCheck = components['schemas']['HealthchecksCheck'];
/** What CronSentry's `POST /api/v3/checks/` takes (contract/api-types.ts). */
type CheckSpec = NonNullable<operations['postApiV3Checks']['requestBody']>['content']['application/json'];
type CheckList = components['schemas']['HealthchecksCheckList'];
/** Healthchecks' error answer (CronSentry's /api/v3 speaks it too). */
type CheckError = Partial<components['schemas']['HealthchecksError']>;

type Outcome = 'created' | 'updated' | 'unchanged' | 'skipped';

/** The v3 spec CronSentry's own `/api/v3/checks/` takes for a check, with its UUID kept. */
function specOf(check: SourceCheck) {
  const name = check.name || check.slug || 'unnamed';
  return {
    uuid: check.uuid,
    name,
    tags: check.tags,
    desc: check.desc,
    grace: check.grace,
    ...(check.schedule !== undefined
      ? { schedule: check.schedule, tz: check.tz ?? 'UTC' }
      : { timeout: check.timeout }),
  } satisfies CheckSpec;
}

function sameAs(spec: ReturnType<typeof specOf>, current: SourceCheck): boolean {
  return (['name', 'tags', 'desc', 'grace', 'schedule', 'tz', 'timeout'] as const).every(
    (field) => spec[field as keyof typeof spec] === current[field],
  );
}

/** What CronSentry cannot carry over, said per check rather than lost in silence. */
function notesOf(check: SourceCheck, name: string): string[] {
  const notes: string[] = [];
  const slug = slugify(name) ?? '';
  if (check.slug && check.slug !== slug) notes.push(`slug "${check.slug}" becomes "${slug}" (slugs follow names)`);
  if (check.manual_resume) notes.push('manual_resume is not supported: a ping resumes it');
  if (check.methods === 'POST') notes.push('POST-only pings are not supported: every method counts');
  if (check.filter_subject || check.filter_body || check.filter_http_body) notes.push('keyword filters are not copied');
  return notes;
}

/** `cronsentry import healthchecks …` (argv after `import`); resolves to the exit code. */
export async function runImport(
  argv: readonly string[],
  io: Io,
  env: Record<string, string | undefined>,
  request: typeof fetch = fetch,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.slice(1),
      options: {
        url: { type: 'string' },
        'api-key': { type: 'string' },
        to: { type: 'string' },
        'to-key': { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${IMPORT_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(IMPORT_USAGE);
    return 0;
  }
  const source = values.url?.replace(/\/+$/, '');
  const target = (values.to ?? env.CRONSENTRY_URL)?.replace(/\/+$/, '');
  const targetKey = values['to-key'] ?? env.CRONSENTRY_API_KEY;
  if (argv[0] !== 'healthchecks' || !source || !values['api-key'] || !target || !targetKey) {
    io.err(
      `cronsentry import: give healthchecks, --url, --api-key, --to (or CRONSENTRY_URL) and --to-key (or CRONSENTRY_API_KEY)\n\n${IMPORT_USAGE}`,
    );
    return 2;
  }
  const call = async (url: string, key: string, method = 'GET', body?: unknown) => {
    const response = await request(url, {
      method,
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // a non-JSON answer: reported through its status
    }
    return { status: response.status, json };
  };

  let checks: SourceCheck[];
  let existing: Map<string, SourceCheck>;
  try {
    const listed = await call(`${source}/api/v3/checks/`, values['api-key']);
    if (listed.status !== 200)
      throw new Error(`Healthchecks answered ${listed.status}: ${JSON.stringify(listed.json)}`);
    checks = (listed.json as CheckList).checks;
    if (checks.some((check) => !check.uuid))
      throw new Error('the Healthchecks key is read-only: it shows no UUIDs; use a read-write key');
    const mine = await call(`${target}/api/v3/checks/`, targetKey);
    if (mine.status !== 200) throw new Error(`CronSentry answered ${mine.status}: ${JSON.stringify(mine.json)}`);
    existing = new Map((mine.json as CheckList).checks.map((check) => [String(check.uuid), check]));
  } catch (error) {
    io.err(`cronsentry import: ${(error as Error).message}`);
    return 1;
  }

  const counts: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0, skipped: 0 };
  const dry = values['dry-run'] === true;
  for (const check of checks) {
    const spec = specOf(check);
    const current = existing.get(check.uuid!);
    let outcome: Outcome;
    let problem = '';
    if (current && sameAs(spec, current)) outcome = 'unchanged';
    else if (dry) outcome = current ? 'updated' : 'created';
    else {
      const answer = await call(`${target}/api/v3/checks/`, targetKey, 'POST', spec);
      if (answer.status === 201) outcome = 'created';
      else if (answer.status === 200) outcome = 'updated';
      else {
        outcome = 'skipped';
        problem = `: ${(answer.json as CheckError).error ?? `HTTP ${answer.status}`}`;
      }
    }
    counts[outcome] += 1;
    const verb = dry && (outcome === 'created' || outcome === 'updated') ? `would be ${outcome}` : outcome;
    const notes = notesOf(check, spec.name);
    io.out(`${check.uuid}  ${spec.name}: ${verb}${problem}${notes.length ? ` (${notes.join('; ')})` : ''}`);
  }
  const summary = `${checks.length} checks: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.skipped} skipped`;
  io.out(dry ? `Dry run, nothing changed. ${summary.replace(/created|updated/g, (word) => `to be ${word}`)}` : summary);
  return counts.skipped > 0 ? 1 : 0;
}
