import type { MaintenanceService } from '../../shared/app/maintenance-service';
import { maintenanceWindowView } from '../../shared/app/maintenance-view';
import { json, jsonBody, noContent } from '../http/responses';
import { idParam, type Route, type RouteRequest } from './route';

/** `/api/maintenance`: the project's maintenance windows; read-only keys may only read. */
export function maintenanceRoutes(maintenance: MaintenanceService): Route[] {
  const windowId = (request: RouteRequest) => idParam(request.event, 'id', 'maintenance window');
  const view = (request: RouteRequest) => (window: Parameters<typeof maintenanceWindowView>[0]) =>
    maintenanceWindowView(window, request.now, { readOnly: request.principal.role !== 'read-write' });
  return [
    {
      method: 'GET',
      path: '/api/maintenance',
      handle: async (request) => json(200, { windows: (await maintenance.list(request.principal)).map(view(request)) }),
    },
    {
      method: 'POST',
      path: '/api/maintenance',
      handle: async (request) =>
        json(201, view(request)(await maintenance.create(request.principal, jsonBody(request.event), request.now))),
    },
    {
      method: 'GET',
      path: '/api/maintenance/{id}',
      handle: async (request) => json(200, view(request)(await maintenance.get(request.principal, windowId(request)))),
    },
    {
      method: 'PATCH',
      path: '/api/maintenance/{id}',
      handle: async (request) =>
        json(
          200,
          view(request)(
            await maintenance.update(request.principal, windowId(request), jsonBody(request.event), request.now),
          ),
        ),
    },
    {
      method: 'DELETE',
      path: '/api/maintenance/{id}',
      handle: async (request) => {
        await maintenance.remove(request.principal, windowId(request));
        return noContent();
      },
    },
  ];
}
