import { describe, expect, it } from 'vitest';
import {
  BARE_CURL,
  burstScenario,
  curlRetryDelayMs,
  LAMBDA_NEW_ACCOUNT,
  LAMBDA_RAISED,
  OLD_THROTTLE,
  README_CURL,
  simulateBurst,
  STAGE_THROTTLE,
} from '../../bench/parts/burst';

// The burst model runs on simulated time with seeded arrivals, so its figures are exact and a test
// can hold the goal of issue 15 (section 4) instead of a benchmark run someone has to read.
describe('the top of the hour (bench/parts/burst.ts)', () => {
  it("waits as curl's --retry documents: 1 s, then doubling", () => {
    expect([1, 2, 3, 4, 5].map(curlRetryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(curlRetryDelayMs(11)).toBe(600_000);
  });

  it("loses no ping of 1,000 jobs at the same second with the README's ping line and the default throttle", () => {
    const outcome = simulateBurst(burstScenario(1_000, STAGE_THROTTLE, LAMBDA_RAISED, README_CURL));
    expect(outcome.falseMissingFlips).toBe(0);
    expect(outcome.firstTry + outcome.succeededOnRetry).toBe(1_000);
  });

  it('lets even a bare curl through for 1,000 jobs once Lambda may run them', () => {
    const outcome = simulateBurst(burstScenario(1_000, STAGE_THROTTLE, LAMBDA_RAISED, BARE_CURL));
    expect(outcome).toMatchObject({ throttled: 0, lambdaThrottled: 0, falseMissingFlips: 0 });
  });

  it('turned most of a 1,000-job top of the hour into false alarms with the old 50/100 throttle', () => {
    const bare = simulateBurst(burstScenario(1_000, OLD_THROTTLE, LAMBDA_RAISED, BARE_CURL));
    const retrying = simulateBurst(burstScenario(1_000, OLD_THROTTLE, LAMBDA_RAISED, README_CURL));
    expect(bare.falseMissingFlips).toBeGreaterThan(800);
    expect(retrying.falseMissingFlips).toBeGreaterThan(0);
  });

  it("keeps 100 jobs safe on a new account (concurrency 10) only because the README's line retries", () => {
    const retrying = simulateBurst(burstScenario(100, STAGE_THROTTLE, LAMBDA_NEW_ACCOUNT, README_CURL));
    expect(retrying.falseMissingFlips).toBe(0);
    expect(retrying.succeededOnRetry).toBeGreaterThan(0);
    expect(simulateBurst(burstScenario(100, STAGE_THROTTLE, LAMBDA_NEW_ACCOUNT, BARE_CURL)).falseMissingFlips).toBe(
      retrying.succeededOnRetry,
    );
  });

  it('never runs more executions than the account allows', () => {
    const outcome = simulateBurst(burstScenario(10_000, STAGE_THROTTLE, LAMBDA_NEW_ACCOUNT, README_CURL));
    expect(outcome.peakConcurrency).toBeLessThanOrEqual(
      LAMBDA_NEW_ACCOUNT.concurrency - LAMBDA_NEW_ACCOUNT.heldByOthers,
    );
  });
});
