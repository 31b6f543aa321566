import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HANDLERS = ['ping', 'api', 'checker', 'notifier'];

async function bundle(entry: string, externalSdk: boolean) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    write: false,
    outfile: path.join(repositoryRoot, 'bench', 'results', 'bundle.tmp', 'index.mjs'),
    metafile: true,
    logLevel: 'silent',
    external: externalSdk ? ['@aws-sdk/*'] : [],
    // ESM bundles of CommonJS dependencies need a require() (what NodejsFunction adds too).
    banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.mjs'))!;
  const inputs = Object.entries(result.metafile.outputs).flatMap(([, output]) => Object.entries(output.inputs));
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = match ? match[1]! : '(project code)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  const largest = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, bytes]) => ({ name, kB: Math.round(bytes / 102.4) / 10 }));
  return { bytes: js.contents.length, gzipBytes: gzipSync(js.contents).length, largest };
}

/** esbuild bundles of each Lambda entry: minified, node24, ESM; with the AWS SDK bundled and without. */
export async function runBundle() {
  const out = [];
  for (const name of HANDLERS) {
    const entry = path.join(repositoryRoot, 'functions', name, 'index.ts');
    if (!existsSync(entry)) {
      out.push({ handler: name, missing: true });
      continue;
    }
    try {
      const withSdk = await bundle(entry, false);
      const withoutSdk = await bundle(entry, true);
      out.push({ handler: name, withSdk, withoutSdk });
    } catch (error) {
      out.push({ handler: name, error: (error as Error).message.slice(0, 400) });
    }
  }
  return {
    options: "esbuild bundle, minify, platform node, format esm, target node24; 'without SDK' = external @aws-sdk/*",
    esbuild: (await import('esbuild')).version,
    handlers: out,
  };
}
