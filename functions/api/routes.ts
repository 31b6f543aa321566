import { badgeKeyOf, badgeUrl, type BadgeFormat } from '../../shared/app/badges';
import type { Services } from '../../shared/wiring/services';
import { accessRoutes } from './access-routes';
import { awsEventRoutes } from './aws-event-routes';
import { channelRoutes } from './channel-routes';
import { jobRoutes } from './job-routes';
import { maintenanceRoutes } from './maintenance-routes';
import type { Route } from './route';
import { v3Routes } from './v3-routes';

/** Every management route, in one list: the API Lambda and the sandbox serve exactly these. */
export function apiRoutes(services: Services, minimumMs: number): Route[] {
  return [
    ...jobRoutes(services.jobs, minimumMs),
    ...accessRoutes(services.access),
    ...channelRoutes(services.alerts, services.publicUrl, services.jobs),
    ...v3Routes(services.healthchecks, async (request, tags) => {
      const project = await services.access.getProject(request.principal);
      const key = project && badgeKeyOf(project);
      if (!key) return {};
      // CronSentry's badges always have Healthchecks' three states, so svg and svg3 are the same.
      const urls = (tag: string, format: BadgeFormat) => badgeUrl(request.baseUrl, key, tag, format);
      return Object.fromEntries(
        tags.map((tag) => {
          const [svg, json, shields] = (['svg', 'json', 'shields'] as const).map((format) => urls(tag, format));
          return [tag, { svg, svg3: svg, json, json3: json, shields, shields3: shields }];
        }),
      );
    }),
    ...awsEventRoutes(services.awsEvents),
    ...maintenanceRoutes(services.maintenance),
  ];
}
