import { parseArgs } from 'node:util';
import { keyView } from '../shared/app/key-view';
import { AccessService } from '../shared/app/access';
import type { Project } from '../shared/domain/project';
import { ROLES, type ApiKeyRecord, type Role } from '../shared/domain/api-key';
import { RECOUNT_SETTLE_MS } from '../shared/storage/count-upkeep';
import { JobRepository } from '../shared/storage/job-repository';
import { accessStores } from '../shared/wiring/access-stores';
import { runImport } from './import-healthchecks';
import { awsTarget, CliError, localTarget, type Target } from './target';
import { runSync } from './sync-command';

export const USAGE = `cronsentry — manage CronSentry projects and API keys

Usage:
  cronsentry projects create --name <name>
  cronsentry projects list
  cronsentry keys create --project <id> --role <read-write|read-only> --name <name>
  cronsentry keys list   --project <id>
  cronsentry keys revoke --project <id> --key <key id>
  cronsentry jobs recount --project <id> [--settle <seconds>]
                                        counts the project's jobs again and repairs the counts
                                        the summary reads (after a crash between two writes);
                                        waits --settle (default 120) twice for the writes under
                                        way, so that none of them can spoil the repair
  cronsentry import healthchecks --url <site> --api-key <key> [--dry-run]   (see --help there)
  cronsentry exec [--job <uuid> | --slug <slug> --ping-key <key>] -- <command>  (see --help there)
  cronsentry sync <monitors.yaml|.json> --project <id> [--prune] [--check]
                                        declare jobs as code (docs/as-code.md): shows the plan,
                                        then applies it; --check only exits 1 on drift

Where (one of):
  --table <name> [--region <region>]   a deployed stack's table, with your AWS credentials
                                        (the stack output TableName). IAM is the root of trust:
                                        whoever may write the table may make keys.
  --local [--data-dir <dir>]            the local sandbox's data (default .cronsentry); the
                                        sandbox must not be running.
  --endpoint <url>                      with --table: DynamoDB Local or dynalite instead of AWS

Options:
  --json                                print JSON instead of text
  -h, --help                            this help
`;

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const OPTIONS = {
  name: { type: 'string' },
  project: { type: 'string' },
  role: { type: 'string' },
  key: { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  local: { type: 'boolean' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  prune: { type: 'boolean' },
  check: { type: 'boolean' },
  settle: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Runs one command; returns the process exit code (0 ok, 1 failed, 2 misused). */
export async function runCli(
  argv: readonly string[],
  io: Io,
  env: Record<string, string | undefined> = {},
): Promise<number> {
  if (argv[0] === 'import') return runImport(argv.slice(1), io, env);
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  const [noun, verb, ...rest] = positionals;
  const command = COMMANDS[`${noun} ${verb}`];
  if ((!command && noun !== 'sync') || rest.length > 0) {
    io.err(`unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  let target: Target | undefined;
  try {
    target = await openTarget(values, env);
    if (noun === 'sync') return await runSync(target, { ...values, project: required(values, 'project') }, verb, io);
    const access = new AccessService(
      accessStores(target.documents, target.tableName),
      new JobRepository(target.documents, target.tableName),
    );
    await command!(access, values, io, target);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`cronsentry: ${error.message}`);
      return error instanceof UsageError ? 2 : 1;
    }
    io.err(`cronsentry: ${describeAwsError(error, target)}`);
    return 1;
  } finally {
    await target?.close();
  }
}

class UsageError extends CliError {}

function required(values: Values, name: 'name' | 'project' | 'role' | 'key'): string {
  const value = values[name]?.trim();
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

/** `--settle <seconds>`: 0 to 3600, default RECOUNT_SETTLE_MS (count-upkeep.ts says why). */
function settleOf(values: Values): number {
  if (values.settle === undefined) return RECOUNT_SETTLE_MS;
  const seconds = Number(values.settle);
  if (values.settle.trim() === '' || !Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
    throw new UsageError('--settle must be a whole number of seconds from 0 to 3600');
  }
  return seconds * 1000;
}

async function openTarget(values: Values, env: Record<string, string | undefined>): Promise<Target> {
  if (values.local && values.table) throw new UsageError('use either --local or --table, not both');
  if (values.local) {
    return localTarget({
      dataDir: values['data-dir'] ?? env.CRONSENTRY_DATA_DIR ?? '.cronsentry',
      table: env.TABLE_NAME ?? 'cronsentry',
    });
  }
  if (!values.table) throw new UsageError('say where: --table <name> (a deployed stack) or --local (the sandbox)');
  return awsTarget({
    table: values.table,
    region: values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    endpoint: values.endpoint,
  });
}

type Command = (access: AccessService, values: Values, io: Io, target: Target) => Promise<void>;

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());

function keyJson(record: ApiKeyRecord) {
  return { ...keyView(record), project: record.projectId };
}

function projectJson(project: Project) {
  return {
    id: project.id,
    name: project.name,
    ping_key: project.pingKey ?? null,
    create_on_ping: project.createOnPing === true,
    created_at: new Date(project.createdAt).toISOString(),
  };
}

async function existingProject(access: AccessService, id: string): Promise<Project> {
  const project = await access.findProject(id);
  if (!project) throw new CliError(`no project ${id} in this table (list them with: cronsentry projects list)`);
  return project;
}

const COMMANDS: Record<string, Command> = {
  'projects create': async (access, values, io) => {
    const name = required(values, 'name');
    if (name.length > 100) throw new UsageError('--name must be at most 100 characters');
    const project = await access.createProject(name, Date.now());
    if (values.json) return io.out(JSON.stringify(projectJson(project)));
    io.out(`Created project "${project.name}"`);
    io.out(`  id:        ${project.id}`);
    io.out(`  ping key:  ${project.pingKey}`);
    io.out(`Next: cronsentry keys create --project ${project.id} --role read-write --name <who uses it>`);
  },
  'projects list': async (access, values, io) => {
    const projects = await access.listProjects();
    if (values.json) return io.out(JSON.stringify(projects.map(projectJson)));
    if (projects.length === 0) return io.out('No projects yet: cronsentry projects create --name <name>');
    for (const project of projects) io.out(`${project.id}  ${project.name}  (created ${iso(project.createdAt)})`);
  },
  'keys create': async (access, values, io) => {
    const project = await existingProject(access, required(values, 'project'));
    const role = required(values, 'role');
    if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const name = required(values, 'name');
    if (name.length > 100) throw new UsageError('--name must be at most 100 characters');
    const { record, secret } = await access.createKey({ projectId: project.id, role: role as Role, name }, Date.now());
    if (values.json) return io.out(JSON.stringify({ ...keyJson(record), key: secret }));
    io.out(`Created ${record.role} key "${record.name}" (id ${record.id}) for project "${project.name}":`);
    io.out('');
    io.out(`  ${secret}`);
    io.out('');
    io.out('This is the only time the key is shown; CronSentry keeps only its hash. Use it as');
    io.out('  Authorization: Bearer <key>   or   X-Api-Key: <key>');
  },
  'keys list': async (access, values, io) => {
    const project = await existingProject(access, required(values, 'project'));
    const keys = (await access.listKeys({ projectId: project.id, keyId: 'cli', role: 'read-write' })).sort(
      (a, b) => a.createdAt - b.createdAt,
    );
    if (values.json) return io.out(JSON.stringify(keys.map(keyJson)));
    if (keys.length === 0) return io.out(`Project "${project.name}" has no keys.`);
    for (const key of keys) {
      io.out(
        `${key.id}  ${key.prefix}…  ${key.role.padEnd(10)}  ${key.name}  (created ${iso(key.createdAt)}, last used ${iso(key.lastUsedAt)})`,
      );
    }
  },
  'keys revoke': async (access, values, io) => {
    const project = await existingProject(access, required(values, 'project'));
    const keyId = required(values, 'key').toLowerCase();
    const principal = { projectId: project.id, keyId: 'cli', role: 'read-write' } as const;
    try {
      await access.revokeKey(principal, keyId);
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') throw new CliError(`project ${project.id} has no key ${keyId}`);
      throw error;
    }
    if (values.json) return io.out(JSON.stringify({ revoked: keyId }));
    io.out(`Revoked key ${keyId}; it stops working now.`);
  },
  'jobs recount': async (access, values, io, target) => {
    const project = await existingProject(access, required(values, 'project'));
    const settleMs = settleOf(values);
    if (!values.json && settleMs > 0) {
      io.out(`Recounting; this waits ${settleMs / 1000} s twice for the writes under way to land…`);
    }
    const settle = () => new Promise<void>((resolve) => setTimeout(resolve, settleMs));
    const counts = await new JobRepository(target.documents, target.tableName).recount(project.id, Date.now(), {
      settle,
    });
    if (values.json) return io.out(JSON.stringify(counts));
    const statuses = Object.entries(counts.statuses).filter(([, count]) => count > 0);
    io.out(`Recounted the jobs of project "${project.name}":`);
    io.out(`  ${statuses.map(([status, count]) => `${status} ${count}`).join(', ') || 'no jobs'}`);
    io.out(`  tags: ${Object.keys(counts.tags).sort().join(', ') || 'none'}`);
  },
};

/** AWS errors people meet here, in words that say what to do. */
function describeAwsError(error: unknown, target: Target | undefined): string {
  const name = (error as { name?: string } | null)?.name ?? 'Error';
  const where = target?.describe ?? 'the table';
  if (name === 'ResourceNotFoundException') {
    return `${where} does not exist (the stack output TableName names it; check --region)`;
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') {
    return `AWS refused access to ${where}: your credentials need dynamodb read/write on it (${name})`;
  }
  if (name === 'CredentialsProviderError') return 'no AWS credentials found (aws configure, AWS_PROFILE, or SSO login)';
  return `${name}: ${(error as Error).message}`;
}
