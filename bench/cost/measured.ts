import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/**
 * The units `npm run bench` measured, read from bench/results/*.json (never copied by hand): what a
 * ping writes and reads for each kind of job, what the checker is billed, what a dashboard refresh
 * reads. A missing or reshaped result stops `npm run cost` with the file and the part to re-run.
 */
export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

const perPing = z.object({ read: z.number(), write: z.number() });
const pingResult = z.array(
  z.object({
    scenario: z.string(),
    bodyBytes: z.number(),
    perPingAll: perPing,
    checker: z.object({
      writeUnitsPerPing: z.number(),
      readUnitsPerPing: z.number(),
      // The checker's units on the job itself (a phase visit, a re-arm), without what each sweep
      // spends once for the whole fleet (its queries, the phase-visit checkpoint).
      jobWriteUnitsPerPeriod: z.number().optional(),
      jobReadUnitsPerPeriod: z.number().optional(),
    }),
  }),
);
const busyResult = z.object({ emptyFleet: z.object({ medianBilledSecondsPerHour: z.number() }) }).catchall(z.unknown());
const sweepResult = z.object({
  healthy: z.array(z.object({ nextLookReadUnits: z.object({ p50: z.number() }) })).min(1),
});
const pollResult = z.object({
  perPoll: z.object({
    summaryReadUnitsPerJob: z.number(),
    summaryFixedReadUnits: z.number(),
    firstPageReadUnits: z.number(),
    apiRequests: z.number(),
    /** The summary's local median at the largest fleet measured, once it no longer reads every job. */
    summaryMedianMs: z.number().optional(),
  }),
});
const overviewResult = z.object({ jobs: z.number(), requestMs: z.object({ summary: z.object({ p50: z.number() }) }) });

function readPart<T extends z.ZodType>(part: string, schema: T, dir: string): z.infer<T> {
  const file = path.join(dir, `${part}.json`);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is missing or not JSON: run \`npm run bench -- ${part}\``, { cause: error });
  }
  const parsed = schema.safeParse((document as { result?: unknown }).result);
  if (!parsed.success) throw new Error(`${file} does not hold what cost needs: re-run \`npm run bench -- ${part}\``);
  return parsed.data;
}

export interface PingUnits {
  readonly scenario: string;
  /** Write units per ping: the ping's own writes plus the checker's re-arms spread over the pings. */
  readonly write: number;
  readonly read: number;
}

export interface MeasuredUnits {
  /** Grace five times the period (every minute, 5 min grace): the `due` index moves every few pings. */
  readonly graceFivePeriods: PingUnits;
  /** Grace equal to the period (every 5 min, 5 min grace). */
  readonly graceOnePeriod: PingUnits;
  /** Grace shorter than the period (hourly, 5 min grace): indexed by phase, read by the checker once an hour. */
  readonly graceUnderPeriod: PingUnits;
  readonly checkerBilledSecondsPerHour: number;
  /** Read units of the look at the `due` index at the start of every checker invocation. */
  readonly checkerReadUnitsPerInvocation: number;
  readonly poll: z.infer<typeof pollResult>['perPoll'];
  /** Local time the summary took per job (sandbox, p50), a stand-in for the api function's duration. */
  readonly summaryMsPerJob: number;
}

export function readMeasuredUnits(dir = RESULTS_DIR): MeasuredUnits {
  const pings = readPart('ping', pingResult, dir);
  const scenario = (pattern: RegExp): PingUnits => {
    // The empty-body scenarios: the usual `curl` ping sends no output.
    const found = pings.find((s) => pattern.test(s.scenario) && s.bodyBytes === 0);
    if (!found) throw new Error(`bench/results/ping.json has no scenario matching ${pattern}`);
    return {
      scenario: found.scenario,
      write: found.perPingAll.write + (found.checker.jobWriteUnitsPerPeriod ?? found.checker.writeUnitsPerPing),
      read: found.perPingAll.read + (found.checker.jobReadUnitsPerPeriod ?? found.checker.readUnitsPerPing),
    };
  };
  const overview = readPart('overview', overviewResult, dir);
  return {
    graceFivePeriods: scenario(/^every-minute job/),
    graceOnePeriod: scenario(/^every-5-minute job/),
    graceUnderPeriod: scenario(/^hourly/),
    checkerBilledSecondsPerHour: readPart('busy', busyResult, dir).emptyFleet.medianBilledSecondsPerHour,
    checkerReadUnitsPerInvocation: readPart('sweep', sweepResult, dir).healthy[0]!.nextLookReadUnits.p50,
    poll: readPart('poll', pollResult, dir).perPoll,
    summaryMsPerJob: overview.requestMs.summary.p50 / overview.jobs,
  };
}

/** The measured ping whose grace-to-period ratio is the nearest one at or below the fleet's. */
export function pingUnitsFor(units: MeasuredUnits, graceMs: number, everyMs: number): PingUnits {
  const ratio = graceMs / everyMs;
  if (ratio >= 5) return units.graceFivePeriods;
  if (ratio >= 1) return units.graceOnePeriod;
  return units.graceUnderPeriod;
}
