import { billTable, monthlyBill } from './bill';
import { parseCostArgs } from './args';
import type { MeasuredUnits } from './measured';

/**
 * docs/deploy.md marks each generated table with the command line it came from:
 * `<!-- npm run cost -- --jobs 1000 --every 1h -->`, the table, then `<!-- end cost -->`.
 */
const BLOCK = /<!-- npm run cost -- (.*?) -->\n([\s\S]*?)<!-- end cost -->/g;

export interface DocBlock {
  readonly args: string;
  readonly table: string;
}

export function docBlocks(text: string): DocBlock[] {
  return [...text.matchAll(BLOCK)].map((match) => ({ args: match[1]!, table: match[2]!.trim() }));
}

export function tableFor(args: string, units: MeasuredUnits): string {
  return billTable(monthlyBill(parseCostArgs(args.split(/\s+/).filter(Boolean)), units));
}

export function renderDocBlocks(text: string, units: MeasuredUnits): string {
  return text.replace(
    BLOCK,
    (_, args: string) => `<!-- npm run cost -- ${args} -->\n\n${tableFor(args, units)}\n\n<!-- end cost -->`,
  );
}

/** A Markdown table's cells, without the padding prettier adds, for comparing doc and script. */
export function tableCells(table: string): string[][] {
  return table
    .split('\n')
    .filter((line) => line.trim().startsWith('|') && !/^\|[\s:|-]+\|$/.test(line.trim()))
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}
