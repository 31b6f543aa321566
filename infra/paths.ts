import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: entry files, the lock file and the dashboard build are found from here. */
export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
