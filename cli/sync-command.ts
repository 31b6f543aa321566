import type { Principal } from '../shared/app/access';
import { silentLogger } from '../shared/app/logger';
import { createServices } from '../shared/wiring/services';
import { readSettings } from '../shared/config';
import { readMonitorsFile } from './monitors-file';
import { applySync, describePlan, isDrift, planSync } from './sync';
import { CliError, type Target } from './target';

export interface SyncValues {
  readonly project: string;
  readonly prune?: boolean;
  readonly check?: boolean;
  readonly json?: boolean;
}

/**
 * `cronsentry sync <file>`: the plan first (create / update / delete / unchanged), then, unless
 * `--check`, applies it. Running it again changes nothing. Exit 0 in sync or applied, 1 on drift
 * with `--check`.
 */
export async function runSync(
  target: Target,
  values: SyncValues,
  file: string | undefined,
  io: { out(line: string): void },
): Promise<number> {
  if (!file) throw new CliError('say which file: cronsentry sync monitors.yaml --project <id>');
  const declared = await readMonitorsFile(file);
  const settings = readSettings({ TABLE_NAME: target.tableName });
  const services = createServices({
    documents: target.documents,
    settings,
    logger: silentLogger,
    // Creating, changing and deleting jobs flips nothing, so nothing is published.
    bus: { publish: () => Promise.reject(new Error('sync publishes no alerts')) },
  });
  const project = await services.access.findProject(values.project);
  if (!project) throw new CliError(`no project ${values.project} in ${target.describe}`);
  const principal: Principal = { projectId: project.id, keyId: 'cli', role: 'read-write' };
  const now = Date.now();
  const minimumMs = settings.CRONSENTRY_MIN_SECONDS * 1000;
  const steps = await planSync(services, principal, declared, minimumMs, { prune: values.prune === true, now });
  const drift = isDrift(steps);
  if (values.json) io.out(JSON.stringify({ drift, plan: steps }));
  else {
    io.out(`Plan for project "${project.name}" (${file}):`);
    for (const line of describePlan(steps)) io.out(`  ${line}`);
  }
  if (values.check) {
    if (!values.json) io.out(drift ? 'Drift: the project differs from the file.' : 'In sync.');
    return drift ? 1 : 0;
  }
  if (!drift) {
    if (!values.json) io.out('Nothing to do.');
    return 0;
  }
  await applySync(services, principal, declared, steps, now);
  if (!values.json) {
    const count = (action: string) => steps.filter((s) => s.action === action).length;
    io.out(`Applied: ${count('create')} created, ${count('update')} updated, ${count('delete')} deleted.`);
  }
  return 0;
}
