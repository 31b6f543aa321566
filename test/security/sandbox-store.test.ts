import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, localDynamoClient, startDynalite } from '../../sandbox/local-store';
import { startSandboxProcess } from '../support/sandbox-process';

describe("the sandbox's store", () => {
  it('answers only requests signed with its in-memory key id: another local user cannot use the port', async () => {
    const store = await startDynalite({ requireSecret: true });
    try {
      const stranger = localDynamoClient(store.endpoint, LOCAL_CREDENTIALS);
      await expect(stranger.send(new ListTablesCommand({}))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
      });
      const owner = localDynamoClient(store.endpoint, store.credentials);
      await expect(owner.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });
      stranger.destroy();
      owner.destroy();
    } finally {
      await store.close();
    }
  });

  it('keeps its data folder 0700 and every file in it 0600', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'cronsentry-perm-'));
    const dataDir = path.join(parent, 'data');
    const sandbox = await startSandboxProcess({ CRONSENTRY_DATA_DIR: dataDir });
    try {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
      const files = entries.filter((entry) => entry.isFile());
      expect(files.length).toBeGreaterThan(2);
      for (const entry of entries) {
        const mode = (await stat(path.join(entry.parentPath, entry.name))).mode & 0o777;
        expect([entry.name, mode]).toEqual([entry.name, entry.isDirectory() ? 0o700 : 0o600]);
      }
    } finally {
      await sandbox.stop({ keepData: true });
      await rm(parent, { recursive: true, force: true });
    }
  });
});
