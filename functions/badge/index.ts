import { awsServices, withLambdaContext } from '../aws-wiring';
import { buildBadgeHandler } from './handler';

/**
 * Status badges (`/badge/…`), public and read-only: a function of their own, because the SVG
 * renderer's font tables (badge-maker's anafanafo, about 0.9 MB) would otherwise be parsed at every
 * cold start of the api (docs/benchmarks.md, "Cold starts").
 */
const { logger, services } = awsServices('badge');

export const handler = withLambdaContext(
  logger,
  buildBadgeHandler({ badges: services.badges, clock: Date.now, logger }),
);
