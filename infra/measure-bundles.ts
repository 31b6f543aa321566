/**
 * Measures what decided `bundleAwsSDK: true` (docs/deploy.md): each handler built with the stack's
 * esbuild options, once with the AWS SDK inside and once leaving it to the runtime, then the size of
 * each file and the time a fresh Node process takes to import the api handler (median of 15).
 *
 *   npx tsx infra/measure-bundles.ts
 *
 * Timings are only comparable on an otherwise idle machine; `uptime` shows whether it is one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { ESBUILD_TARGET, ESM_REQUIRE_BANNER, HANDLER_ENTRIES } from './constructs/handler-function';
import { REPOSITORY_ROOT } from './paths';

const RUNS = 15;
// Under the repository, so that the SDK left outside the bundle resolves from node_modules.
const outRoot = fs.mkdtempSync(path.join(REPOSITORY_ROOT, 'node_modules', '.cronsentry-measure-'));
const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

async function bundle(name: string, entry: string, sdk: 'bundled' | 'external'): Promise<string> {
  const outfile = path.join(outRoot, sdk, name, 'index.mjs');
  await build({
    entryPoints: [path.join(REPOSITORY_ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: sdk === 'external' ? ['@aws-sdk/*', '@smithy/*'] : [],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

function medianImportMs(file: string, nodeOptions: string[]): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const env = {
    ...process.env,
    TABLE_NAME: 'measure',
    ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:measure',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const times = Array.from({ length: RUNS }, () =>
    Number(execFileSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], { env })),
  ).sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

try {
  const files: Record<string, Record<string, string>> = {};
  for (const [name, entry] of Object.entries(HANDLER_ENTRIES)) {
    files[name] = { bundled: await bundle(name, entry, 'bundled'), external: await bundle(name, entry, 'external') };
    const size = (f: string) => kib(fs.statSync(f).size);
    console.log(`${name}: SDK bundled ${size(files[name].bundled!)}, SDK external ${size(files[name].external!)}`);
  }
  for (const options of [[], ['--enable-source-maps']]) {
    const label = options.length ? ' with --enable-source-maps' : '';
    for (const sdk of ['bundled', 'external']) {
      const ms = medianImportMs(files.api![sdk]!, options);
      console.log(`api import, SDK ${sdk}${label}: median ${ms.toFixed(1)} ms of ${RUNS} fresh processes`);
    }
  }
  console.log(`node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}`);
} finally {
  fs.rmSync(outRoot, { recursive: true, force: true });
}
