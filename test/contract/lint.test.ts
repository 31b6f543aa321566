import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the OpenAPI document', () => {
  it('passes Redocly’s recommended lint rules (redocly.yaml), offline', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['node_modules/@redocly/cli/bin/cli.js', 'lint', 'contract/openapi.json', '--format=stylish'],
      {
        cwd: root,
        // No telemetry and no update check: the lint needs nothing from the network.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      },
    ).catch((error: { stdout: string; stderr: string }) => error);
    expect(`${stdout}\n${stderr}`).toMatch(/Your API description is valid/);
    // Warnings fail too (the banner about Node 20's end of life is not one of the document's).
    expect(`${stdout}\n${stderr}`).not.toMatch(/You have \d+ warnings?|^\s*\d+:\d+\s+(warning|error)\s/m);
  }, 60_000);
});
