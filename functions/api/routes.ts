import type { Services } from '../../shared/app/services';
import { accessRoutes } from './access-routes';
import { channelRoutes } from './channel-routes';
import { jobRoutes } from './job-routes';
import type { Route } from './router';

/** Every management route, in one list: the API Lambda and the sandbox serve exactly these. */
export function apiRoutes(services: Services, minimumMs: number): Route[] {
  return [
    ...jobRoutes(services.jobs, minimumMs),
    ...accessRoutes(services.access),
    ...channelRoutes(services.alerts, services.publicUrl, services.jobs),
  ];
}
