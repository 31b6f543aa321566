import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { contractFiles } from '../../contract/files';

describe('the generated contract files', () => {
  it('are what `npm run contract` writes from the zod schemas today (run it after changing a schema or a route)', async () => {
    for (const [name, text] of Object.entries(await contractFiles())) {
      const committed = await readFile(new URL(`../../contract/${name}`, import.meta.url), 'utf8');
      expect(committed === text, `contract/${name} is stale: run npm run contract`).toBe(true);
    }
  });
});
