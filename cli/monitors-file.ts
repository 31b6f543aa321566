import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { isSlug } from '../shared/app/slugs';
import { CliError } from './target';

/**
 * A monitors file (`cronsentry sync monitors.yaml|.json`): jobs keyed by slug, each in the fields
 * `POST /api/jobs` takes. The API validates the fields themselves; this checks the shape.
 */
const jobSchema = z.looseObject({ name: z.string().optional() });
const fileSchema = z
  .object({ jobs: z.record(z.string().refine(isSlug, 'job keys are slugs: a-z, 0-9, _ and single -'), jobSchema) })
  .strict();

export type DeclaredJobs = Record<string, Record<string, unknown>>;

export async function readMonitorsFile(file: string): Promise<DeclaredJobs> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  let document: unknown;
  try {
    document = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new CliError(
      `${file} is not valid ${path.extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  const parsed = fileSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`${file}: ${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  // The name defaults to the slug; a name must slugify to its key, since the key finds the job again.
  return Object.fromEntries(
    Object.entries(parsed.data.jobs).map(([slug, job]) => [slug, { ...job, name: job.name ?? slug }]),
  );
}
