import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Newest modification time of any file below `dir` (0 when it does not exist). */
async function newestMtime(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let newest = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? await newestMtime(full) : (await stat(full)).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

/**
 * Builds the dashboard when its build is missing or older than its sources, so `npm start` needs
 * nothing else. Vite is loaded only when a build is needed.
 */
export async function ensureDashboardBuilt(dashboardRoot: string, log: (line: string) => void): Promise<string> {
  const dist = path.join(dashboardRoot, 'dist');
  const sources = Math.max(
    await newestMtime(path.join(dashboardRoot, 'src')),
    (await stat(path.join(dashboardRoot, 'index.html')).catch(() => undefined))?.mtimeMs ?? 0,
  );
  const built = (await stat(path.join(dist, 'index.html')).catch(() => undefined))?.mtimeMs ?? 0;
  if (built >= sources && built > 0) return dist;
  log('Building the dashboard (first start or changed sources)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(dashboardRoot, 'vite.config.ts'), logLevel: 'warn' });
  return dist;
}
