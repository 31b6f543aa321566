import * as z from 'zod';
import { requireWrite, type AccessService, type Principal } from '../../shared/app/access';
import { isoOrNull } from '../../shared/app/iso-time';
import { keyView } from '../../shared/app/key-view';
import { parseInput } from '../../shared/app/validation';
import { NotFoundError } from '../../shared/errors';
import type { Project } from '../../shared/domain/project';
import { ROLES } from '../../shared/domain/api-key';
import { json, jsonBody, noContent } from '../http/responses';
import { idParam, type Route, type RouteRequest } from './route';

export const updateProjectSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100),
    create_on_ping: z.boolean(),
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' });

/** The project as its keys see it; the ping key is a write capability, so read-only keys never see it. */
function projectView(project: Project, request: Pick<RouteRequest, 'baseUrl'> & { principal: Principal }) {
  const writer = request.principal.role === 'read-write';
  return {
    id: project.id,
    name: project.name,
    create_on_ping: project.createOnPing === true,
    ...(writer
      ? {
          ping_key: project.pingKey ?? null,
          slug_ping_url: project.pingKey
            ? `${request.baseUrl.replace(/\/$/, '')}/api/ping/${project.pingKey}/{slug}`
            : null,
        }
      : {}),
    created_at: isoOrNull(project.createdAt),
  };
}

export const createKeySchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100),
    role: z.enum(ROLES).default('read-only'),
  })
  .strict();

export function accessRoutes(access: AccessService): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/me',
      handle: async ({ principal }) => {
        const project = await access.getProject(principal);
        if (!project) throw new NotFoundError('project');
        const key = (await access.listKeys(principal)).find((record) => record.id === principal.keyId);
        return json(200, {
          project: { id: project.id, name: project.name },
          key: { id: principal.keyId, name: key?.name ?? '', role: principal.role },
        });
      },
    },
    {
      method: 'GET',
      path: '/api/project',
      handle: async (request) => {
        const project = await access.getProject(request.principal);
        if (!project) throw new NotFoundError('project');
        return json(200, projectView(project, request));
      },
    },
    {
      method: 'PATCH',
      path: '/api/project',
      handle: async (request) => {
        requireWrite(request.principal);
        const input = parseInput(updateProjectSchema, jsonBody(request.event));
        const project = await access.updateProject(request.principal, {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.create_on_ping !== undefined ? { createOnPing: input.create_on_ping } : {}),
        });
        return json(200, projectView(project, request));
      },
    },
    {
      method: 'POST',
      path: '/api/project/ping-key',
      handle: async (request) => {
        requireWrite(request.principal);
        return json(200, projectView(await access.rotatePingKey(request.principal), request));
      },
    },
    {
      method: 'GET',
      path: '/api/keys',
      handle: async ({ principal }) => {
        requireWrite(principal);
        const keys = await access.listKeys(principal);
        return json(200, { keys: keys.sort((a, b) => a.createdAt - b.createdAt).map(keyView) });
      },
    },
    {
      method: 'POST',
      path: '/api/keys',
      handle: async ({ principal, event, now }) => {
        requireWrite(principal);
        const input = parseInput(createKeySchema, jsonBody(event));
        const { record, secret } = await access.createKey({ projectId: principal.projectId, ...input }, now);
        return json(201, { ...keyView(record), key: secret });
      },
    },
    {
      method: 'DELETE',
      path: '/api/keys/{id}',
      handle: async ({ principal, event }) => {
        requireWrite(principal);
        await access.revokeKey(principal, idParam(event, 'id', 'key'));
        return noContent();
      },
    },
  ];
}
