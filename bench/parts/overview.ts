import pMap from 'p-map';
import { describe } from '../support/stats';
import { startSandbox } from './sandbox';

const JOBS = Number(process.env.BENCH_OVERVIEW_JOBS ?? 5000);
const REPETITIONS = Number(process.env.BENCH_OVERVIEW_REPETITIONS ?? 7);
const CREATE_CONCURRENCY = 8;

/**
 * What the dashboard's overview asks of the API with a large project (issue 6: "with 5,000 jobs the
 * overview stays responsive"): the summary it polls every 10 s, the first page, a status filter and
 * a name search, through the `npm start` program over HTTP.
 */
export async function runOverview() {
  const sandbox = await startSandbox();
  const headers = { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' };
  try {
    const createStarted = performance.now();
    await pMap(
      Array.from({ length: JOBS }, (_, i) => i),
      async (i) => {
        const body = JSON.stringify({
          name: `job ${i}`,
          schedule: 'every 1h',
          grace_time: 5,
          tags: [i % 2 ? 'odd' : 'even'],
        });
        const reply = await fetch(`${sandbox.url}/api/jobs`, { method: 'POST', headers, body });
        if (reply.status !== 201) throw new Error(`creating job ${i} answered ${reply.status}: ${await reply.text()}`);
      },
      { concurrency: CREATE_CONCURRENCY },
    );
    const createSeconds = Math.round((performance.now() - createStarted) / 100) / 10;

    const requests: Record<string, string> = {
      summary: '/api/jobs/summary',
      firstPage: '/api/jobs?limit=50',
      statusFilterNoMatch: '/api/jobs?status=missing&limit=50',
      nameSearchOneMatch: `/api/jobs?q=${encodeURIComponent(`job ${JOBS - 1}`)}&limit=50`,
    };
    const timings: Record<string, ReturnType<typeof describe>> = {};
    for (const [name, path] of Object.entries(requests)) {
      const samples: number[] = [];
      for (let r = 0; r < REPETITIONS; r += 1) {
        const started = performance.now();
        const reply = await fetch(`${sandbox.url}${path}`, { headers });
        await reply.text();
        if (reply.status !== 200) throw new Error(`${path} answered ${reply.status}`);
        samples.push(performance.now() - started);
      }
      timings[name] = describe(samples);
    }
    return { jobs: JOBS, createSeconds, createConcurrency: CREATE_CONCURRENCY, requestMs: timings };
  } finally {
    await sandbox.stop();
  }
}
