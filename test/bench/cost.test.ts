import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCostArgs } from '../../bench/cost/args';
import { monthlyBill, type CostInput } from '../../bench/cost/bill';
import { docBlocks, tableCells, tableFor } from '../../bench/cost/doc-blocks';
import { readMeasuredUnits } from '../../bench/cost/measured';
import { PRICES } from '../../bench/cost/prices';

const units = readMeasuredUnits();
const ping = JSON.parse(readFileSync(new URL('../../bench/results/ping.json', import.meta.url), 'utf8')).result as {
  scenario: string;
  perPingAll: { write: number };
  checker: { writeUnitsPerPing: number; jobWriteUnitsPerPeriod?: number };
}[];
const hourly: CostInput = {
  jobs: 1000,
  everyMs: 3_600_000,
  graceMs: 300_000,
  dashboardHours: 8,
  refreshSeconds: 10,
  cloudFront: true,
};
const line = (input: CostInput, item: RegExp) => monthlyBill(input, units).lines.find((l) => item.test(l.item))!;

describe('npm run cost', () => {
  it('agrees with every cost table in docs/deploy.md (regenerate with npm run cost -- --update-docs)', () => {
    const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    const blocks = docBlocks(doc);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const block of blocks)
      expect(tableCells(block.table), block.args).toEqual(tableCells(tableFor(block.args, units)));
  });

  it('prices hourly jobs with the write units the ping benchmark measured for them, not a constant', () => {
    const measured = ping.find((s) => s.scenario.startsWith('hourly'))!;
    // The checker's share is what it spends on the job (issue 14 §2: phase keys, a read an hour, no write).
    const wcu = measured.perPingAll.write + measured.checker.jobWriteUnitsPerPeriod!;
    expect(wcu).toBeGreaterThan(2);
    expect(wcu).toBeLessThanOrEqual(2.5);
    expect(line(hourly, /DynamoDB writes/).dollars).toBeCloseTo(
      (720_000 * wcu * PRICES.dynamoDb.perMillionWriteUnits) / 1e6,
      6,
    );
    const everyMinute = line({ ...hourly, everyMs: 60_000 }, /DynamoDB writes/);
    expect(everyMinute.arithmetic).toContain(`${units.graceFivePeriods.write.toFixed(2)} WCU`);
  });

  it('prices a dashboard refresh the same whatever the fleet size (the summary reads counts), and one open hour', () => {
    const reads = (jobs: number) => line({ ...hourly, jobs }, /Dashboard: DynamoDB reads/).dollars;
    expect(units.poll.summaryReadUnitsPerJob).toBe(0);
    expect(reads(100_000)).toBeCloseTo(reads(100), 9);
    const bill = monthlyBill(hourly, units);
    const dashboard = bill.lines.filter((l) => l.item.startsWith('Dashboard')).reduce((sum, l) => sum + l.dollars, 0);
    expect(bill.dashboardPerOpenHour).toBeCloseTo(dashboard / (hourly.dashboardHours * 30), 9);
    expect(line({ ...hourly, dashboardHours: 0 }, /Dashboard/)).toBeUndefined();
    expect(monthlyBill({ ...hourly, dashboardHours: 0 }, units).dashboardPerOpenHour).toBe(0);
  });

  it('drops CloudFront with --direct', () => {
    expect(line({ ...hourly, cloudFront: false }, /CloudFront/)).toBeUndefined();
    expect(line(hourly, /CloudFront/).dollars).toBeGreaterThan(0);
  });

  it('reads its flags with parseArgs and names a bad one', () => {
    expect(parseCostArgs(['--jobs', '1000', '--every', '5m', '--dashboard-hours', '8'])).toEqual({
      jobs: 1000,
      everyMs: 300_000,
      graceMs: 300_000,
      dashboardHours: 8,
      refreshSeconds: 10,
      cloudFront: true,
    });
    expect(() => parseCostArgs(['--jobs', 'many'])).toThrow(/--jobs/);
    expect(() => parseCostArgs(['--every', 'hourly'])).toThrow(/--every/);
    expect(() => parseCostArgs(['--dashboard-hours', '25'])).toThrow(/--dashboard-hours/);
    expect(() => parseCostArgs(['--jbos', '1'])).toThrow(/jbos/);
  });
});
