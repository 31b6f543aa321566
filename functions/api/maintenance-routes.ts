import type { MaintenanceService } from '../../shared/app/maintenance-service';
import { maintenanceCreateSchema, maintenancePatchSchema } from '../../shared/app/maintenance-input';
import { maintenanceWindowView } from '../../shared/app/maintenance-view';
import { requireWrite } from '../../shared/app/access';
import { parseInput } from '../../shared/app/validation';
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
      handle: async (request) => {
        const body = jsonBody(request.event);
        // A read-only key learns nothing from its body's mistakes: 403 before the schema speaks.
        requireWrite(request.principal);
        const input = parseInput(maintenanceCreateSchema, body);
        return json(201, view(request)(await maintenance.create(request.principal, input, request.now)));
      },
    },
    {
      method: 'GET',
      path: '/api/maintenance/{id}',
      handle: async (request) => json(200, view(request)(await maintenance.get(request.principal, windowId(request)))),
    },
    {
      method: 'PATCH',
      path: '/api/maintenance/{id}',
      handle: async (request) => {
        const id = windowId(request);
        const body = jsonBody(request.event);
        requireWrite(request.principal);
        const patch = parseInput(maintenancePatchSchema, body);
        return json(200, view(request)(await maintenance.update(request.principal, id, patch, request.now)));
      },
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
