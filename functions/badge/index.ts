import { awsDeps, withLambdaContext } from '../aws-wiring';
import { buildBadgeHandler } from './handler';
import { BadgeService } from '../../shared/app/badges';
import { createCore } from '../../shared/wiring/core';
import { createJobs } from '../../shared/wiring/jobs';

/**
 * Status badges (`/badge/…`), public and read-only: a function of their own, because the SVG
 * renderer's font tables (badge-maker's anafanafo, about 0.9 MB) would otherwise be parsed at every
 * cold start of the api (docs/benchmarks.md, "Cold starts").
 */
const { logger, deps } = awsDeps('badge');
const core = createCore(deps);
const badges = new BadgeService(core.access.projects, createJobs(core));

export const handler = withLambdaContext(logger, buildBadgeHandler({ badges, clock: Date.now, logger }));
