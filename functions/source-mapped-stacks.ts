import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Stack traces of a bundled function that point at our TypeScript, at no cost to a cold start.
 *
 * Node's `--enable-source-maps` reads and parses the bundle's whole map (1.3 MB) and measures every
 * line of the bundle while the module loads, whether or not a trace is ever printed: measured, a
 * large share of the difference between a handler's cold start and the floor's
 * (docs/benchmarks.md, "Cold starts"). Here the map is read only when the first stack trace is
 * formatted, which most containers never do, through V8's `Error.prepareStackTrace` hook and Node's
 * own source-map reader.
 *
 * Installs itself only in a bundle that ships its map beside it (`index.mjs` + `index.mjs.map`): in
 * the sandbox, tests and tsx there is no map next to this module and nothing changes.
 */
export function installSourceMappedStacks(moduleUrl: string): boolean {
  if (!moduleUrl.startsWith('file:')) return false;
  const mapFile = `${fileURLToPath(moduleUrl)}.map`;
  if (!existsSync(mapFile)) return false;
  let map: SourceMap | null | undefined;
  const sourceMap = () => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        map = null; // an unreadable map: traces stay as V8 writes them
      }
    }
    return map;
  };
  // Node 20 and later define the hook themselves (their default formatting); it stays the fallback.
  const fallback = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, callSites: NodeJS.CallSite[]) => {
    const map = callSites.some((site) => site.getFileName() === moduleUrl) ? sourceMap() : null;
    if (!map) return fallback ? fallback(error, callSites) : [errorHeader(error), ...callSites.map(frame)].join('\n');
    const frames = callSites.map((site) =>
      site.getFileName() === moduleUrl ? mappedFrame(site, map, mapFile) : frame(site),
    );
    return [errorHeader(error), ...frames].join('\n');
  };
  return true;
}

const frame = (site: NodeJS.CallSite) => `    at ${String(site)}`;

/** What V8 writes above the frames: `Name: message`. */
function errorHeader(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

/** `    at async name (path/to/source.ts:line:column)`. */
function mappedFrame(site: NodeJS.CallSite, map: SourceMap, mapFile: string): string {
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (line === null || column === null) return frame(site);
  const at = map.findEntry(line - 1, column - 1) as Partial<SourceMapping>;
  if (!at.originalSource) return frame(site);
  // The name is V8's, so minified; the file, line and column are the sources'.
  const name = site.getFunctionName() ?? '<anonymous>';
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  const source = fileURLToPath(new URL(at.originalSource, pathToFileURL(mapFile)));
  return `    at ${prefix}${name} (${source}:${at.originalLine! + 1}:${at.originalColumn! + 1})`;
}

interface SourceMapping {
  readonly originalSource: string;
  readonly originalLine: number;
  readonly originalColumn: number;
}

installSourceMappedStacks(import.meta.url);
