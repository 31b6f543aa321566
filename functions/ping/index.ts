import { awsDeps, withLambdaContext } from '../aws-wiring';
import { buildPingHandler } from './handler';
import { createCore } from '../../shared/wiring/core';
import { createPingIntake } from '../../shared/wiring/ping-intake';

const { logger, deps, settings } = awsDeps('ping');
const core = createCore(deps);

/**
 * `?create=1` is rare and needs the job use cases and their input schemas, which every other ping
 * would load for nothing at cold start: they load on the first ping that asks (esbuild keeps the
 * dynamically imported modules in the bundle and runs them only then).
 */
let slugJobs: Promise<import('../../shared/wiring/jobs').SlugJobs> | undefined;
function loadSlugJobs() {
  slugJobs ??= import('../../shared/wiring/jobs').then(({ createJobs, slugJobsOf }) => slugJobsOf(createJobs(core)));
  // A failed load is not kept: the next ping that asks loads again.
  slugJobs.catch(() => (slugJobs = undefined));
  return slugJobs;
}

const pings = createPingIntake(core, {
  create: async (principal, slug, now) => (await loadSlugJobs()).create(principal, slug, now),
  remove: async (principal, jobId) => (await loadSlugJobs()).remove(principal, jobId),
});

export const handler = withLambdaContext(
  logger,
  buildPingHandler({ pings, clock: Date.now, logger, originSecret: settings.CRONSENTRY_ORIGIN_SECRET }),
);
