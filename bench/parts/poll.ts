import { round } from '../support/capacity';
import { benchStack } from '../support/env';
import { parseJobCreate } from '../../shared/app/job-input';

const SIZES = (process.env.BENCH_POLL_SIZES ?? '100,400')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
/** The dashboard's overview page size (dashboard/src/pages/overview.tsx). */
const PAGE_SIZE = 50;

/**
 * What one refresh of the dashboard's overview reads: it asks for the project summary and the first
 * page of jobs together, every 10 s while open. The summary reads every job's profile and state, so
 * its read units grow with the project; measured at two sizes on DynamoDB Local (ReturnConsumedCapacity)
 * through the real JobsService, then split into a part per job and a fixed part. `npm run cost` reads it.
 */
export async function runPoll(endpoint: string) {
  const measured = [];
  for (const jobs of SIZES) {
    const stack = await benchStack(endpoint);
    const { services, meter } = stack;
    const t0 = Date.UTC(2030, 0, 7, 9, 0, 0);
    const project = await services.access.createProject('bench', t0);
    const { secret } = await services.access.createKey({ projectId: project.id, role: 'read-only', name: 'poll' }, t0);
    const writer = await services.access.createKey({ projectId: project.id, role: 'read-write', name: 'w' }, t0);
    const principal = await services.access.authenticate(writer.secret, t0);
    for (let i = 0; i < jobs; i += 1) {
      const job = await services.jobs.create(
        principal,
        parseJobCreate({ name: `job ${i}`, schedule: 'every 1h', grace_time: 5, tags: [i % 2 ? 'odd' : 'even'] }),
        t0,
      );
      await services.pings.record(
        { jobId: job.state.id, kind: 'success', method: 'GET', sourceIp: '203.0.113.7', userAgent: 'curl', body: '' },
        t0 + 1_000,
      );
    }
    const reader = await services.access.authenticate(secret, t0);
    meter.label = 'poll';
    const mark = meter.calls.length;
    const now = t0 + 60_000;
    await services.jobs.summary(reader, now);
    const afterSummary = meter.calls.length;
    await services.jobs.list(reader, {}, PAGE_SIZE, now);
    const summary = meter.summarize(mark, afterSummary);
    const firstPage = meter.summarize(afterSummary);
    measured.push({ jobs, summaryReadUnits: summary.read, firstPageReadUnits: firstPage.read, calls: summary.calls });
    stack.close();
  }
  const [small, large] = [measured[0]!, measured[measured.length - 1]!];
  const perJob = (large.summaryReadUnits - small.summaryReadUnits) / (large.jobs - small.jobs);
  return {
    pageSize: PAGE_SIZE,
    measured,
    perPoll: {
      summaryReadUnitsPerJob: round(perJob, 4),
      summaryFixedReadUnits: round(small.summaryReadUnits - perJob * small.jobs, 2),
      firstPageReadUnits: large.firstPageReadUnits,
      apiRequests: 2,
    },
    note: 'one refresh = GET /api/jobs/summary + GET /api/jobs?limit=50; authentication reads not included',
  };
}
