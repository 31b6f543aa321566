import { parseArgs } from 'node:util';
import * as z from 'zod';
import { parseDuration } from '../../shared/domain/durations';
import type { CostInput } from './bill';

const duration = (flag: string) =>
  z.string().transform((text, context) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      context.addIssue({ code: 'custom', message: `--${flag} must be a duration such as 1m, 5m, 1h` });
      return z.NEVER;
    }
    return ms;
  });

const argsSchema = z.object({
  jobs: z.coerce.number().int().positive(),
  every: duration('every'),
  grace: duration('grace'),
  'dashboard-hours': z.coerce.number().min(0).max(24),
  refresh: z.coerce.number().min(1).max(3600),
  direct: z.boolean(),
});

/** The command line of `npm run cost`, checked; a bad flag throws a message that names it. */
export function parseCostArgs(argv: readonly string[]): CostInput {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      jobs: { type: 'string', default: '1000' },
      every: { type: 'string', default: '1h' },
      grace: { type: 'string', default: '5m' },
      'dashboard-hours': { type: 'string', default: '8' },
      refresh: { type: 'string', default: '10' },
      direct: { type: 'boolean', default: false },
      'update-docs': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  const args = parsed.data;
  return {
    jobs: args.jobs,
    everyMs: args.every,
    graceMs: args.grace,
    dashboardHours: args['dashboard-hours'],
    refreshSeconds: args.refresh,
    cloudFront: !args.direct,
  };
}
