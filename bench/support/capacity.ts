import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One DynamoDB call as the meter saw it. */
export interface CallRecord {
  readonly label: string;
  readonly command: string;
  /** What the call touched: state, ping-log, flip, profile, index:due, batch-get… */
  readonly target: string;
  readonly mode: 'read' | 'write';
  readonly table: number;
  readonly indexes: Readonly<Record<string, number>>;
  readonly failed: boolean;
}

interface Capacity {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

const READ_COMMANDS = /^(Get|BatchGet|Query|Scan)/;

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'S' in value) return String((value as { S: unknown }).S);
  return undefined;
}

function targetOf(command: string, input: Record<string, unknown>): string {
  if (input.IndexName) return `index:${String(input.IndexName)}`;
  if (command.startsWith('Batch')) return command.startsWith('BatchGet') ? 'batch-get' : 'batch-write';
  const key = (input.Item ?? input.Key) as Record<string, unknown> | undefined;
  const sk = key ? str(key.sk) : undefined;
  if (sk === undefined) return command.startsWith('Query') ? 'table-query' : 'other';
  if (sk === 'STATE') return 'state';
  if (sk.startsWith('PING#')) return 'ping-log';
  if (sk.startsWith('FLIP#')) return 'flip';
  if (sk.startsWith('JOB#')) return 'profile';
  return sk.split('#')[0]!.toLowerCase();
}

/**
 * Asks DynamoDB for ConsumedCapacity (table and each GSI) on every call made through a client and
 * records it under the current `label`. No product code changes: a middleware on the client.
 */
export class CapacityMeter {
  label = 'other';
  readonly calls: CallRecord[] = [];

  attach(client: DynamoDBClient): this {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String((context as { commandName?: string }).commandName ?? 'Unknown').replace(/Command$/, '');
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'INDEXES';
        const mode = READ_COMMANDS.test(command) ? 'read' : 'write';
        const target = targetOf(command, input);
        const label = this.label;
        try {
          const result = await next(args);
          const raw = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
          const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
          let table = 0;
          const indexes: Record<string, number> = {};
          for (const entry of list) {
            table += entry.Table?.CapacityUnits ?? (entry.GlobalSecondaryIndexes ? 0 : (entry.CapacityUnits ?? 0));
            for (const [name, units] of Object.entries(entry.GlobalSecondaryIndexes ?? {})) {
              indexes[name] = (indexes[name] ?? 0) + (units.CapacityUnits ?? 0);
            }
          }
          this.calls.push({ label, command, target, mode, table, indexes, failed: false });
          return result;
        } catch (error) {
          // A failed conditional write consumes write units on AWS, but DynamoDB reports none here.
          this.calls.push({ label, command, target, mode, table: 0, indexes: {}, failed: true });
          throw error;
        }
      },
      { step: 'initialize', name: 'benchCapacityMeter', override: true },
    );
    return this;
  }

  reset(): void {
    this.calls.length = 0;
  }

  /** Totals of the calls recorded since `from` (an index into `calls`). */
  summarize(from = 0, to = this.calls.length): CapacitySummary {
    return summarize(this.calls.slice(from, to));
  }
}

export interface CapacitySummary {
  calls: number;
  failedCalls: number;
  read: number;
  write: number;
  /** Units by "mode target" (e.g. "write state") and by "write index:<name>" for GSI units. */
  breakdown: Record<string, number>;
  callsByCommand: Record<string, number>;
}

export function summarize(calls: readonly CallRecord[]): CapacitySummary {
  const out: CapacitySummary = { calls: 0, failedCalls: 0, read: 0, write: 0, breakdown: {}, callsByCommand: {} };
  const add = (key: string, units: number) => (out.breakdown[key] = round((out.breakdown[key] ?? 0) + units));
  for (const call of calls) {
    out.calls += 1;
    if (call.failed) out.failedCalls += 1;
    out.callsByCommand[call.command] = (out.callsByCommand[call.command] ?? 0) + 1;
    const indexUnits = Object.values(call.indexes).reduce((a, b) => a + b, 0);
    if (call.mode === 'read') out.read += call.table + indexUnits;
    else out.write += call.table + indexUnits;
    if (call.table > 0 || !call.target.startsWith('index:')) add(`${call.mode} ${call.target}`, call.table);
    for (const [name, units] of Object.entries(call.indexes)) add(`${call.mode} index:${name}`, units);
  }
  out.read = round(out.read);
  out.write = round(out.write);
  return out;
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
