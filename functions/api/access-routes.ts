import { z } from 'zod';
import { requireWrite, type AccessService } from '../../shared/app/access';
import { parseInput } from '../../shared/app/validation';
import { NotFoundError } from '../../shared/errors';
import { ROLES, type ApiKeyRecord } from '../../shared/storage/access-repository';
import { json, jsonBody, noContent } from '../http/responses';
import { idParam, type Route } from './router';

const createKeySchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100),
    role: z.enum(ROLES).default('read-only'),
  })
  .strict();

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** A key as listed: never the hash, never the secret. */
function keyView(record: ApiKeyRecord) {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    prefix: record.prefix,
    created_at: iso(record.createdAt),
    last_used_at: iso(record.lastUsedAt),
  };
}

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
