import { DEFAULT_THROTTLE } from '../../infra/settings';
import { mulberry32 } from '../support/stats';

/**
 * The top of the hour, modelled (issue 15, section 4). Cron jobs cluster at :00, so N pings arrive
 * within the same second. They pass API Gateway's stage throttle (a token bucket: `burst` tokens,
 * refilled at `rate` per second; no token → 429) and then need a free Lambda execution environment
 * (the account's concurrency quota: 10 on a new account, 1,000 after an increase; none free → the
 * HTTP API answers a 5xx). A client either gives up at the first refusal (bare `curl`) or behaves like
 * the README's `curl -fsS -m 10 --retry 5`: curl retries a timeout and HTTP 408, 429, 500, 502, 503
 * and 504, waiting 1 s before the first retry and doubling the wait each time (1, 2, 4, 8, 16 s).
 *
 * A ping that never gets through before the job's deadline plus grace turns a job that did run into a
 * *false missing flip*. The model runs on simulated time in whole milliseconds, with a seeded random
 * spread of arrivals, so it is deterministic: test/bench/burst.test.ts checks its goal.
 */

export interface ThrottleModel {
  /** Tokens added per second (the stage's `throttleRateLimit`). */
  readonly rate: number;
  /** Bucket size (the stage's `throttleBurstLimit`); the bucket starts full. */
  readonly burst: number;
}

export interface LambdaModel {
  /** The account's concurrent executions (Lambda's quota; `aws lambda get-account-settings`). */
  readonly concurrency: number;
  /** Executions other functions hold meanwhile (the checker sleeping through its window). */
  readonly heldByOthers: number;
  /** Billed duration of a warm ping. */
  readonly warmMs: number;
  /** Extra time of the first request in a new execution environment (init of the bundled handler). */
  readonly coldStartMs: number;
}

export interface ClientModel {
  /** `--retry N`; 0 is a bare curl. */
  readonly retries: number;
  /** Round trip between the job's host and the API, added to every answer. */
  readonly roundTripMs: number;
}

export interface BurstScenario {
  readonly jobs: number;
  /** Every ping arrives within this window (1 s: "within the same second"). */
  readonly spreadMs: number;
  /** Time from a ping's first attempt to the job's deadline plus grace (CronSentry's smallest grace: 60 s). */
  readonly graceMs: number;
  readonly throttle: ThrottleModel;
  readonly lambda: LambdaModel;
  readonly client: ClientModel;
  readonly seed: number;
}

export interface BurstOutcome {
  readonly jobs: number;
  /** Attempts refused by the stage throttle (429). */
  readonly throttled: number;
  /** Attempts that passed the throttle but found no free execution environment (5xx). */
  readonly lambdaThrottled: number;
  /** Pings accepted at the first attempt. */
  readonly firstTry: number;
  /** Pings refused at least once and accepted by a later attempt. */
  readonly succeededOnRetry: number;
  /** Jobs that ran but whose ping never got through before deadline + grace. */
  readonly falseMissingFlips: number;
  /** Time from a ping's first attempt to its acceptance, for the slowest accepted ping. */
  readonly slowestAcceptedMs: number;
  readonly peakConcurrency: number;
}

/** curl's default backoff: 1 s before the first retry, doubling up to 10 minutes. */
export function curlRetryDelayMs(retryNumber: number): number {
  return Math.min(1000 * 2 ** (retryNumber - 1), 600_000);
}

interface Attempt {
  readonly job: number;
  readonly firstAt: number;
  readonly number: number;
}

export function simulateBurst(scenario: BurstScenario): BurstOutcome {
  const { throttle, lambda, client } = scenario;
  const random = mulberry32(scenario.seed);
  const byMs = new Map<number, Attempt[]>();
  const schedule = (at: number, attempt: Attempt) => {
    const slot = byMs.get(at);
    if (slot) slot.push(attempt);
    else byMs.set(at, [attempt]);
  };
  for (let job = 0; job < scenario.jobs; job += 1) {
    const at = Math.floor(random() * scenario.spreadMs);
    schedule(at, { job, firstAt: at, number: 0 });
  }

  let tokens = throttle.burst;
  let tokensAt = 0;
  const environments: number[] = []; // busy-until time of each execution environment
  const usable = Math.max(0, lambda.concurrency - lambda.heldByOthers);
  let throttled = 0;
  let lambdaThrottled = 0;
  let firstTry = 0;
  let succeededOnRetry = 0;
  let falseMissingFlips = 0;
  let slowestAcceptedMs = 0;
  let peakConcurrency = 0;
  const refused = (attempt: Attempt, answeredAt: number) => {
    if (attempt.number < client.retries) {
      const next = answeredAt + curlRetryDelayMs(attempt.number + 1);
      schedule(next, { ...attempt, number: attempt.number + 1 });
    } else falseMissingFlips += 1;
  };

  const last = scenario.spreadMs + scenario.graceMs + 600_000;
  for (let now = 0; now <= last && byMs.size > 0; now += 1) {
    const attempts = byMs.get(now);
    if (!attempts) continue;
    byMs.delete(now);
    for (const attempt of attempts) {
      tokens = Math.min(throttle.burst, tokens + ((now - tokensAt) * throttle.rate) / 1000);
      tokensAt = now;
      if (tokens < 1) {
        throttled += 1;
        refused(attempt, now + client.roundTripMs);
        continue;
      }
      tokens -= 1;
      let environment = environments.findIndex((busyUntil) => busyUntil <= now);
      let serviceMs = lambda.warmMs;
      if (environment < 0 && environments.length < usable) {
        environment = environments.push(0) - 1;
        serviceMs += lambda.coldStartMs;
      }
      if (environment < 0) {
        lambdaThrottled += 1;
        refused(attempt, now + client.roundTripMs);
        continue;
      }
      environments[environment] = now + serviceMs;
      peakConcurrency = Math.max(peakConcurrency, environments.filter((busyUntil) => busyUntil > now).length);
      const acceptedAfter = now + serviceMs + client.roundTripMs - attempt.firstAt;
      if (acceptedAfter > scenario.graceMs) falseMissingFlips += 1;
      else if (attempt.number === 0) firstTry += 1;
      else succeededOnRetry += 1;
      slowestAcceptedMs = Math.max(slowestAcceptedMs, acceptedAfter);
    }
  }
  return {
    jobs: scenario.jobs,
    throttled,
    lambdaThrottled,
    firstTry,
    succeededOnRetry,
    falseMissingFlips,
    slowestAcceptedMs,
    peakConcurrency,
  };
}

/**
 * Assumed figures, stated so they can be argued with: a warm ping is 3 DynamoDB calls (~40 ms billed),
 * a new environment loads the ~1 MB bundled handler (~600 ms), the job's host is 30 ms from the API.
 */
export const LAMBDA_NEW_ACCOUNT: LambdaModel = { concurrency: 10, heldByOthers: 1, warmMs: 40, coldStartMs: 600 };
export const LAMBDA_RAISED: LambdaModel = { ...LAMBDA_NEW_ACCOUNT, concurrency: 1_000 };
export const BARE_CURL: ClientModel = { retries: 0, roundTripMs: 30 };
export const README_CURL: ClientModel = { retries: 5, roundTripMs: 30 };
/** The stage throttle before issue 15. */
export const OLD_THROTTLE: ThrottleModel = { rate: 50, burst: 100 };
export const STAGE_THROTTLE: ThrottleModel = { rate: DEFAULT_THROTTLE.rateLimit, burst: DEFAULT_THROTTLE.burstLimit };
/** What docs/deploy.md suggests for 10,000 jobs at the same second: API Gateway's own account limits. */
export const LARGE_THROTTLE: ThrottleModel = { rate: 1_000, burst: 5_000 };

export function burstScenario(
  jobs: number,
  throttle: ThrottleModel,
  lambda: LambdaModel,
  client: ClientModel,
): BurstScenario {
  return { jobs, spreadMs: 1_000, graceMs: 60_000, throttle, lambda, client, seed: 15 };
}

/** The largest fleet (to the nearest `step`) whose pings all get through, all at once. */
export function largestSafeFleet(
  throttle: ThrottleModel,
  lambda: LambdaModel,
  client: ClientModel,
  step = 100,
): number {
  let safe = 0;
  let unsafe = 20_000;
  while (unsafe - safe > step) {
    const jobs = Math.round((safe + unsafe) / 2 / step) * step;
    if (simulateBurst(burstScenario(jobs, throttle, lambda, client)).falseMissingFlips === 0) safe = jobs;
    else unsafe = jobs;
  }
  return safe;
}

const THROTTLES = { 'before (50/100)': OLD_THROTTLE, default: STAGE_THROTTLE, 'large (1000/5000)': LARGE_THROTTLE };
const ACCOUNTS = { 'quota 10': LAMBDA_NEW_ACCOUNT, 'quota 1,000': LAMBDA_RAISED };
const CLIENTS = { 'bare curl': BARE_CURL, 'curl --retry 5': README_CURL };

export async function runBurst() {
  const rows = [];
  const largestSafe = [];
  for (const [throttleName, throttle] of Object.entries(THROTTLES)) {
    for (const [accountName, lambda] of Object.entries(ACCOUNTS)) {
      for (const [clientName, client] of Object.entries(CLIENTS)) {
        const labels = { throttle: throttleName, ...throttle, account: accountName, client: clientName };
        for (const jobs of [100, 1_000, 10_000]) {
          rows.push({ ...labels, ...simulateBurst(burstScenario(jobs, throttle, lambda, client)) });
        }
        largestSafe.push({ ...labels, jobs: largestSafeFleet(throttle, lambda, client) });
      }
    }
  }
  for (const row of rows) {
    console.log(
      `  ${row.throttle.padEnd(18)} ${row.account.padEnd(12)} ${row.client.padEnd(15)} N=${String(row.jobs).padStart(6)}: ` +
        `429 ${row.throttled}, 5xx ${row.lambdaThrottled}, ok on retry ${row.succeededOnRetry}, false flips ${row.falseMissingFlips}`,
    );
  }
  return {
    clock: 'simulated (1 ms steps, seeded arrivals): deterministic, independent of the machine',
    assumptions: { LAMBDA_NEW_ACCOUNT, LAMBDA_RAISED, BARE_CURL, README_CURL, spreadMs: 1_000, graceMs: 60_000 },
    rows,
    largestSafe,
  };
}
