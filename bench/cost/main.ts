/**
 * `npm run cost -- --jobs 1000 --every 1h [--grace 5m] [--dashboard-hours 8] [--refresh 10] [--direct]`
 * prints the monthly bill line by line from the units `npm run bench` measured and the list prices
 * in bench/cost/prices.ts. `--update-docs` rewrites the generated tables in docs/deploy.md.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { billTable, monthlyBill } from './bill';
import { parseCostArgs } from './args';
import { readMeasuredUnits } from './measured';
import { PRICES } from './prices';
import { renderDocBlocks } from './doc-blocks';

const DEPLOY_DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'deploy.md');

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { 'update-docs': { type: 'boolean' } }, strict: false });
  const units = readMeasuredUnits();
  if (values['update-docs']) {
    const text = await readFile(DEPLOY_DOC, 'utf8');
    const updated = renderDocBlocks(text, units);
    const options = (await prettier.resolveConfig(DEPLOY_DOC)) ?? {};
    await writeFile(DEPLOY_DOC, await prettier.format(updated, { ...options, filepath: DEPLOY_DOC }));
    console.log(`updated the cost tables in ${path.relative(process.cwd(), DEPLOY_DOC)}`);
    return;
  }
  const input = parseCostArgs(argv);
  const bill = monthlyBill(input, units);
  console.log(
    `${input.jobs} jobs, one ping each every ${input.everyMs / 60_000} min (${bill.pingsPerMonth.toLocaleString('en-US')} pings ` +
      `a month, measured as "${bill.pingUnits.scenario}": ${bill.pingUnits.write.toFixed(2)} WCU, ` +
      `${bill.pingUnits.read.toFixed(2)} RCU per ping); dashboard open ${input.dashboardHours} h a day; ` +
      `${input.cloudFront ? 'through CloudFront' : 'straight to the API endpoint'}.\n` +
      `Prices: ${PRICES.region}, ${PRICES.date}.\n`,
  );
  console.log(billTable(bill));
  if (input.dashboardHours > 0) {
    console.log(`\nOne dashboard overview open for an hour: $${bill.dashboardPerOpenHour.toFixed(4)}.`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
