import type { Core } from './core';
import { IngestCounter } from '../app/ingest-counter';
import { PingService } from '../app/ping-service';
import { SlugDirectory } from '../app/slugs';
import type { SlugJobs } from './jobs';
import { WindowCounterRepository } from '../storage/window-counter-repository';

/**
 * Pings, by job id or by slug. `slugJobs` creates and takes back the jobs `?create=1` makes
 * (./jobs.ts; the ping function loads it only when a ping asks for one).
 */
export function createPingIntake(core: Core, slugJobs: SlugJobs) {
  const { settings } = core;
  const slugs = new SlugDirectory(
    {
      projects: core.access.projects,
      pingKeys: core.access.pingKeys,
      windows: new WindowCounterRepository(core.deps.documents, settings.TABLE_NAME),
    },
    slugJobs.create,
    slugJobs.remove,
  );
  return new PingService(core.jobRepository, core.history, core.outbox, core.logger, {
    maxPingsPerMinute: settings.MAX_PINGS_PER_MINUTE,
    slugs,
    maintenance: core.calendar,
    // Opt-in: the counter costs up to one more write per ping where pings are sparse (docs/alerts.md).
    ...(settings.CRONSENTRY_INGEST_VOLUME === 'on' ? { ingest: new IngestCounter(core.intake, core.logger) } : {}),
  });
}
