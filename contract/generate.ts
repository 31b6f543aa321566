import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { contractFiles } from './files';

/**
 * `npm run contract`: writes contract/openapi.json (served at `GET /api/openapi.json`) and
 * contract/api-types.ts (the dashboard's and the CLI's types) from the zod schemas.
 * test/contract/generated.test.ts fails when either file is not what this would write.
 */
for (const [name, text] of Object.entries(await contractFiles())) {
  await writeFile(fileURLToPath(new URL(name, import.meta.url)), text);
  console.log(`wrote contract/${name}`);
}
