/**
 * Cold starts of the deployed artifact (`npm run bench -- coldstart`, issue 14 §1).
 *
 * A real offline `cdk synth` bundles every function into cdk.out; each bundle is then loaded in
 * fresh Node processes with the environment its template gives it, alternating with a floor bundle
 * (bench/coldstart/floor-handler.ts: the same document client, one GetItem and one PutItem), and
 * the medians are compared as ratios, because absolute times drift on a shared machine. With
 * `COLDSTART_BASELINE=<commit or checkout>` that commit is synthesized too (in a git worktree) and its
 * bundles join the rotation (floor, this commit, baseline, floor, …): before and after in one run.
 *
 * What one sample is: a new `node` process imports the bundle and awaits the import; `load` is
 * `performance.now()` then, i.e. milliseconds since the process began (Node's own start included,
 * as in a Lambda init). For ping and the floor, `first request` also awaits one invocation against
 * DynamoDB Local. The source-map variants load the same bundle with and without a
 * `sourceMappingURL` comment and with and without `--enable-source-maps`.
 *
 * It also reports each bundle's size by package from esbuild's metafile (built with the stack's
 * options), and, from V8 coverage of the load plus one representative invocation mapped back
 * through the source map, which packages a function bundles but never calls.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { ESBUILD_TARGET, ESM_REQUIRE_BANNER, HANDLER_ENTRIES } from '../../infra/constructs/handler-function';
import { toApiGatewayEvent } from '../../sandbox/api-gateway-event';
import { LOCAL_REGION } from '../../sandbox/local-store';
import { benchStack } from '../support/env';
import { percentile } from '../support/stats';
import { parseJobCreate } from '../../shared/app/job-input';
import { badgeKeyOf } from '../../shared/app/badges';
import { baselineCheckout } from './sandbox-side-by-side';

const run = promisify(execFile);
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAIRS = Number(process.env.COLDSTART_PAIRS ?? 15);
const STACK = 'CronSentryColdStart';
/** The functions every deployment has (events and monitor are opt-in). */
const HANDLERS = ['ping', 'api', 'badge', 'checker', 'notifier'] as const;
type HandlerName = (typeof HANDLERS)[number];
/** The construct path of each function in the stack (as the bundled-artifact test finds them). */
const CONSTRUCT_PATHS: Record<HandlerName, string> = {
  ping: '/Api/Ping/Function/Resource',
  api: '/Api/Api/Function/Resource',
  badge: '/Api/Badge/Function/Resource',
  checker: '/Checker/Checker/Function/Resource',
  notifier: '/Alerts/Notifier/Function/Resource',
};
/** Issue 14's bounds; the badge function (split from the api this round) has none. */
const BOUNDS: Partial<Record<HandlerName, number>> = { ping: 1.3, api: 1.6, checker: 1.6, notifier: 1.6 };
/** A commit or checkout to measure side by side with this one (`COLDSTART_BASELINE=32ee54f`). */
const BASELINE = process.env.COLDSTART_BASELINE;

interface Bundle {
  readonly file: string;
  readonly environment: Record<string, string>;
  readonly nodeOptions: string;
}

interface Sample {
  readonly load: number;
  readonly first?: number;
}

/** Runs in each fresh process: import, await, optionally invoke once, print the times. */
const PROBE = `
const [file, eventJson] = process.argv.slice(1);
const { handler } = await import(file);
const load = performance.now();
let first;
if (eventJson) {
  const context = { functionName: 'coldstart', awsRequestId: 'coldstart', getRemainingTimeInMillis: () => 10000 };
  await handler(JSON.parse(eventJson), context);
  first = performance.now();
}
process.stdout.write(JSON.stringify({ load, first }));
`;

function sample(bundle: Bundle, event: unknown, extraEnv: Record<string, string> = {}): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const args = ['--input-type=module', '-e', PROBE, pathToFileURL(bundle.file).href];
    if (event !== undefined) args.push(JSON.stringify(event));
    const child = spawn(process.execPath, args, {
      env: { ...bundle.environment, NODE_OPTIONS: bundle.nodeOptions, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${bundle.file} exited ${code}: ${stderr.slice(-1200)}`));
      else resolve(JSON.parse(stdout.slice(stdout.lastIndexOf('{"load"'))) as Sample);
    });
  });
}

interface Subject {
  readonly bundle: Bundle;
  readonly event?: unknown;
}

/** Floor, A, B, …, floor, A, B … in fresh processes; the median of each and its ratio to the floor's. */
async function interleaved(floor: Subject, subjects: readonly Subject[], metric: keyof Sample) {
  const floorTimes: number[] = [];
  const times = subjects.map(() => [] as number[]);
  for (let i = 0; i < PAIRS; i += 1) {
    floorTimes.push((await sample(floor.bundle, floor.event))[metric]!);
    for (const [j, subject] of subjects.entries())
      times[j]!.push((await sample(subject.bundle, subject.event))[metric]!);
  }
  const floorMs = percentile(floorTimes, 50);
  return {
    floorMs: round(floorMs),
    subjects: times.map((t) => ({ ms: round(percentile(t, 50)), ratio: round(percentile(t, 50) / floorMs, 2) })),
  };
}

/** A, B, A, B … in fresh processes; the medians of each and their ratio. */
async function sideBySide(floor: Subject, subject: Subject, metric: keyof Sample) {
  const { floorMs, subjects } = await interleaved(floor, [subject], metric);
  return { floorMs, subjectMs: subjects[0]!.ms, ratio: subjects[0]!.ratio };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The esbuild options NodejsFunction uses for our handlers (infra/constructs/handler-function.ts). */
function stackBuildOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: ESBUILD_TARGET,
    minify: true,
    sourcemap: 'linked' as const,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    outfile,
    metafile: true,
    logLevel: 'error' as const,
  };
}

async function synthesize(workDir: string, root = repositoryRoot) {
  const dashboardDir = path.join(workDir, 'dashboard');
  fs.mkdirSync(dashboardDir, { recursive: true });
  fs.writeFileSync(path.join(dashboardDir, 'index.html'), '<!doctype html><title>CronSentry</title>');
  const outdir = path.join(workDir, 'cdk.out');
  await run(
    'npx',
    ['cdk', 'synth', '--quiet', '--output', outdir, '-c', `dashboardDir=${dashboardDir}`, '-c', `stackName=${STACK}`],
    {
      cwd: root,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return outdir;
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, string>;
  Properties: { Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
}

/**
 * Each function's bundle in cdk.out and its environment, with references replaced by local values.
 * A baseline may lack a function (badges were the api's before this round): it is left out.
 */
function locate(outdir: string, local: Record<string, string>, partial = false): Partial<Record<HandlerName, Bundle>> {
  const template = JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8')) as {
    Resources: Record<string, TemplateResource>;
  };
  const resources = Object.values(template.Resources);
  const entries = HANDLERS.flatMap((name) => {
    const resource = resources.find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:cdk:path']?.endsWith(CONSTRUCT_PATHS[name]),
    );
    if (!resource && partial) return [];
    if (!resource) throw new Error(`no ${name} function in the template`);
    const variables = resource.Properties.Environment?.Variables ?? {};
    const environment: Record<string, string> = { ...local };
    for (const [key, value] of Object.entries(variables)) {
      environment[key] = typeof value === 'string' ? value : (local[key] ?? `local-${key}`);
    }
    const { NODE_OPTIONS: nodeOptions = '', ...rest } = environment;
    const file = path.join(outdir, resource.Metadata!['aws:asset:path']!, 'index.mjs');
    return [[name, { file, environment: rest, nodeOptions }] as const];
  });
  return Object.fromEntries(entries) as Partial<Record<HandlerName, Bundle>>;
}

/** Copies a bundle with its map, with or without the `sourceMappingURL` comment. */
function variant(bundle: Bundle, dir: string, linked: boolean, nodeOptions: string): Bundle {
  fs.mkdirSync(dir, { recursive: true });
  const code = fs.readFileSync(bundle.file, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  const file = path.join(dir, 'index.mjs');
  fs.writeFileSync(file, linked ? `${code}//# sourceMappingURL=index.mjs.map\n` : code);
  if (fs.existsSync(`${bundle.file}.map`)) fs.copyFileSync(`${bundle.file}.map`, `${file}.map`);
  return { ...bundle, file, nodeOptions };
}

/** Bytes in each bundle by package, from esbuild's metafile. */
function sizeByPackage(metafile: import('esbuild').Metafile, outfile: string) {
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.mjs'))![1];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return { bytes: fs.statSync(outfile).size, byPackage };
}

function packageOf(source: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  return match ? match[1]! : '(project code)';
}

/**
 * Which packages the bundle carries but never calls during a load and one representative
 * invocation: V8's precise coverage counts every function; each function's start is mapped back
 * to its source file through the bundle's source map.
 */
async function neverCalled(file: string, environment: Record<string, string>, event: unknown, coverageDir: string) {
  fs.rmSync(coverageDir, { recursive: true, force: true });
  await sample({ file, environment, nodeOptions: '' }, event, { NODE_V8_COVERAGE: coverageDir });
  const url = pathToFileURL(file).href;
  const report = fs
    .readdirSync(coverageDir)
    .map((name) => JSON.parse(fs.readFileSync(path.join(coverageDir, name), 'utf8')) as V8Coverage)
    .flatMap((coverage) => coverage.result)
    .find((script) => script.url === url);
  if (!report) throw new Error(`no coverage for ${file}`);
  const code = fs.readFileSync(file, 'utf8');
  const lineStarts = [0];
  for (let i = 0; i < code.length; i += 1) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
  const perPackage = new Map<string, { functions: number; called: number }>();
  for (const fn of report.functions) {
    const start = fn.ranges[0]!.startOffset;
    if (start === 0) continue; // the module itself
    let line = lineStarts.length - 1;
    while (lineStarts[line]! > start) line -= 1;
    const entry = map.findEntry(line, start - lineStarts[line]!) as { originalSource?: string };
    if (!entry.originalSource) continue;
    const name = packageOf(entry.originalSource);
    const counts = perPackage.get(name) ?? { functions: 0, called: 0 };
    counts.functions += 1;
    if (fn.ranges[0]!.count > 0) counts.called += 1;
    perPackage.set(name, counts);
  }
  return perPackage;
}

interface V8Coverage {
  result: { url: string; functions: { ranges: { startOffset: number; count: number }[] }[] }[];
}

export async function runColdstart(endpoint: string) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cronsentry-coldstart-'));
  const stack = await benchStack(endpoint);
  try {
    const local = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      TABLE_NAME: stack.tableName,
      ALERTS_TOPIC_ARN: `arn:aws:sns:${LOCAL_REGION}:123456789012:cronsentry-coldstart`,
      CRONSENTRY_PUBLIC_URL: 'https://cronsentry.test',
      // The checker's outage guard: its canary and operator alert go to a closed local port, so the
      // coverage invocation's sweep sends nothing off this machine.
      CRONSENTRY_CANARY_URL: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:9',
      OPERATOR_TOPIC_ARN: `arn:aws:sns:${LOCAL_REGION}:123456789012:cronsentry-coldstart-operator`,
    };
    const outdir = await synthesize(workDir);
    const deployed = locate(outdir, local) as Record<HandlerName, Bundle>;
    let baseline: { label: string; bundles: Partial<Record<HandlerName, Bundle>> } | undefined;
    if (BASELINE) {
      const checkout = await baselineCheckout(BASELINE);
      try {
        const baselineOut = await synthesize(path.join(workDir, 'baseline'), checkout.root);
        // Copied out, since the checkout (and its cdk.out) is removed now.
        const kept = path.join(workDir, 'baseline-bundles');
        fs.cpSync(baselineOut, kept, { recursive: true });
        baseline = { label: checkout.label, bundles: locate(kept, local, true) };
      } finally {
        await checkout.remove();
      }
    }

    // The floor: the same esbuild options, no source map flag.
    const floorFile = path.join(workDir, 'floor', 'index.mjs');
    await build(stackBuildOptions(path.join(repositoryRoot, 'bench/coldstart/floor-handler.ts'), floorFile));
    const floor: Bundle = { file: floorFile, environment: deployed.ping.environment, nodeOptions: '' };

    // A job to ping, and a key so that the api's first request does real work.
    const now = Date.now();
    const project = await stack.services.access.createProject('coldstart', now);
    const { secret } = await stack.services.access.createKey(
      { projectId: project.id, role: 'read-write', name: 'coldstart' },
      now,
    );
    const principal = await stack.services.access.authenticate(secret, now);
    const { state: job } = await stack.services.jobs.create(
      principal,
      parseJobCreate({ name: 'cold', schedule: 'every 1h', grace_time: 5 }),
      now,
    );
    const badgeKey = badgeKeyOf(project)!;
    const events: Record<HandlerName, unknown> = {
      ping: {
        ...toApiGatewayEvent({ method: 'GET', url: `/api/ping/${job.id}`, headers: {} }),
        routeKey: 'GET /api/ping/{proxy+}',
      },
      api: {
        ...toApiGatewayEvent({ method: 'GET', url: '/api/jobs', headers: { authorization: `Bearer ${secret}` } }),
        routeKey: 'ANY /api/{proxy+}',
      },
      badge: {
        ...toApiGatewayEvent({ method: 'GET', url: `/badge/${badgeKey}/*.svg`, headers: {} }),
        routeKey: 'GET /badge/{proxy+}',
      },
      checker: { 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), detail: {} },
      notifier: { Records: [] },
    };

    // With a baseline: floor, baseline, this commit, floor, … so that before and after share one run.
    const load: Record<string, unknown> = {};
    for (const name of HANDLERS) {
      const before = baseline?.bundles[name];
      const measured = await interleaved(
        { bundle: floor },
        before ? [{ bundle: deployed[name] }, { bundle: before }] : [{ bundle: deployed[name] }],
        'load',
      );
      const [after, beforeResult] = measured.subjects;
      load[name] = {
        floorMs: measured.floorMs,
        subjectMs: after!.ms,
        ratio: after!.ratio,
        bound: BOUNDS[name] ?? null,
        ...(beforeResult ? { baselineMs: beforeResult.ms, baselineRatio: beforeResult.ratio } : {}),
      };
    }
    const firstRequest = await sideBySide(
      { bundle: floor, event: {} },
      { bundle: deployed.ping, event: events.ping },
      'first',
    );

    // Source maps: the deployed ping bundle, with and without the comment and the flag. What ships:
    // the comment, no flag (functions/source-mapped-stacks.ts reads the map on the first trace).
    const sourceMaps: Record<string, unknown> = {};
    const deployedHasComment = /\/\/# sourceMappingURL=/.test(fs.readFileSync(deployed.ping.file, 'utf8'));
    for (const [label, linked, flag] of [
      ['no comment, no flag', false, ''],
      ['sourceMappingURL, no flag (what ships)', true, ''],
      ['sourceMappingURL, --enable-source-maps (what shipped before)', true, '--enable-source-maps'],
    ] as const) {
      const bundle = variant(deployed.ping, path.join(workDir, 'variants', label.replace(/\W+/g, '-')), linked, flag);
      sourceMaps[label] = await sideBySide({ bundle: floor }, { bundle }, 'load');
    }

    // Sizes from the metafile and what is bundled but never called.
    const bundles: Record<string, unknown> = {};
    for (const name of HANDLERS) {
      const outfile = path.join(workDir, 'metafile', name, 'index.mjs');
      const result = await build(stackBuildOptions(path.join(repositoryRoot, HANDLER_ENTRIES[name]), outfile));
      const sizes = sizeByPackage(result.metafile!, outfile);
      const coverage = await neverCalled(
        outfile,
        { ...deployed[name].environment },
        events[name],
        path.join(workDir, 'coverage', name),
      );
      const packages = [...sizes.byPackage]
        .sort((a, b) => b[1] - a[1])
        .map(([pkg, bytes]) => ({ package: pkg, kB: round(bytes / 1000), ...coverage.get(pkg) }));
      bundles[name] = {
        kB: round(sizes.bytes / 1000),
        deployedKB: round(fs.statSync(deployed[name].file).size / 1000),
        neverCalled: packages.filter((p) => p.functions !== undefined && p.called === 0).map((p) => p.package),
        packages: packages.slice(0, 12),
      };
    }

    return {
      method: `fresh node ${process.version} processes, floor and subject alternating (floor, this commit, baseline with COLDSTART_BASELINE), ${PAIRS} rounds, medians; load = ms from process start until the import resolved`,
      baseline: baseline?.label ?? null,
      deployedNodeOptions: deployed.ping.nodeOptions || '(none)',
      deployedBundleHasSourceMappingURL: deployedHasComment,
      load,
      pingFirstRequest: { ...firstRequest, note: 'load plus one invocation against DynamoDB Local' },
      sourceMaps,
      bundles,
      invocationForCoverage:
        'ping: one success ping; api: GET /api/jobs with a key; badge: the project SVG badge; checker: one scheduled event; notifier: an empty SNS batch',
    };
  } finally {
    stack.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
