import path from 'node:path';
import * as z from 'zod';

/** Settings only the local sandbox has (the product's own settings are in shared/config.ts). */
const sandboxSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080).describe('HTTP port (0 = any free port)'),
  HOST: z.string().default('127.0.0.1').describe('interface to listen on; 0.0.0.0 exposes the sandbox'),
  CRONSENTRY_DATA_DIR: z.string().default('.cronsentry').describe('where the embedded store and local key live'),
  CRONSENTRY_API_KEY: z.string().optional().describe('the local read-write key; generated once when unset'),
  CRONSENTRY_SMTP_URL: z.string().optional().describe('send alert e-mail through this SMTP server'),
  CRONSENTRY_TEST_PING_OUTAGE_FILE: z
    .string()
    .optional()
    .describe('tests only: while this file exists, the ping routes answer 503 (a simulated intake outage)'),
});

export type SandboxSettings = z.infer<typeof sandboxSchema> & { dataDir: string };

export function readSandboxSettings(env: Record<string, string | undefined> = process.env): SandboxSettings {
  const parsed = sandboxSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid sandbox settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.CRONSENTRY_DATA_DIR) };
}
