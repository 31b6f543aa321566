import { pingUnitsFor, type MeasuredUnits } from './measured';
import { PRICES, type Prices } from './prices';

/** What the bill is for: a fleet, how often it pings, and how long a dashboard stays open. */
export interface CostInput {
  readonly jobs: number;
  /** Time between two pings of one job. */
  readonly everyMs: number;
  /** The jobs' grace time; decides which measured ping units apply. */
  readonly graceMs: number;
  /** Hours a day one dashboard overview is open, refreshing every `refreshSeconds`. */
  readonly dashboardHours: number;
  readonly refreshSeconds: number;
  /** Requests go through CloudFront (the default stack); false with `-c dashboard=false`. */
  readonly cloudFront: boolean;
}

/**
 * What `npm run bench` cannot measure here, stated so it can be argued with. Everything else comes
 * from bench/results/*.json (units) or prices.ts (dollars).
 */
export const ASSUMED = {
  days: 30,
  memoryGb: 0.25,
  /** Billed duration of a warm ping on AWS (3 DynamoDB calls), and of an api request before its reads. */
  pingBilledMs: 50,
  apiBaseBilledMs: 50,
  /** One answer with its headers, as sent to the internet. */
  responseBytes: 700,
  /** Lambda's START/END/REPORT lines plus the API access log line of one request. */
  logBytesPerRequest: 1_300,
  checkerLogBytesPerInvocation: 1_000,
  /** A ping log entry without output; it lives `pingLogDays` (30), i.e. the whole month. */
  pingLogEntryBytes: 500,
  /** Four alarms; the API 5xx alarm reads two metrics (infra/constructs/monitoring.ts). */
  alarmMetrics: 5,
  checkerInvocationsPerMinute: 1,
} as const;

export interface BillLine {
  readonly item: string;
  readonly arithmetic: string;
  readonly dollars: number;
}

export interface Bill {
  readonly pingsPerMonth: number;
  readonly pingUnits: { scenario: string; write: number; read: number };
  readonly lines: BillLine[];
  readonly total: number;
  /** What one dashboard overview open for one hour costs (its refreshes' requests, duration and reads). */
  readonly dashboardPerOpenHour: number;
}

const GB = 1e9;
const MILLION = 1e6;

export function monthlyBill(input: CostInput, units: MeasuredUnits, prices: Prices = PRICES): Bill {
  const month = ASSUMED.days * 86_400_000;
  const pings = Math.round((input.jobs * month) / input.everyMs);
  const polls = Math.round((input.dashboardHours * 3_600 * ASSUMED.days) / input.refreshSeconds);
  const apiRequests = polls * units.poll.apiRequests;
  const invocations = ASSUMED.days * 1_440 * ASSUMED.checkerInvocationsPerMinute;
  const kind = pingUnitsFor(units, input.graceMs, input.everyMs);
  const gbSecond = ASSUMED.memoryGb * prices.lambda.perGbSecond;
  const edgePerMillion = prices.cloudFront.perMillionHttpsRequests + prices.cloudFront.perMillionFunctionInvocations;
  const perGbOut = input.cloudFront ? prices.cloudFront.perGbOut : prices.httpApi.perGbOut;
  const logGb = (requests: number, bytes: number = ASSUMED.logBytesPerRequest) => (requests * bytes) / GB;
  const lines: BillLine[] = [];
  const add = (item: string, arithmetic: string, dollars: number) => lines.push({ item, arithmetic, dollars });

  // Pings
  add(
    'Pings: API Gateway',
    `${n(pings)} × ${usd(prices.httpApi.perMillionRequests)}/M`,
    (pings / MILLION) * prices.httpApi.perMillionRequests,
  );
  if (input.cloudFront) {
    add(
      'Pings: CloudFront requests and viewer function',
      `${n(pings)} × (${usd(prices.cloudFront.perMillionHttpsRequests)} + ${usd(prices.cloudFront.perMillionFunctionInvocations)})/M`,
      (pings / MILLION) * edgePerMillion,
    );
  }
  add(
    'Pings: Lambda requests and duration',
    `${n(pings)} × (${usd(prices.lambda.perMillionRequests)}/M + ${ASSUMED.pingBilledMs} ms × ${ASSUMED.memoryGb} GB)`,
    (pings / MILLION) * prices.lambda.perMillionRequests + pings * (ASSUMED.pingBilledMs / 1000) * gbSecond,
  );
  add(
    'Pings: DynamoDB writes',
    `${n(pings)} × ${kind.write.toFixed(2)} WCU × ${usd(prices.dynamoDb.perMillionWriteUnits)}/M`,
    ((pings * kind.write) / MILLION) * prices.dynamoDb.perMillionWriteUnits,
  );
  add(
    'Pings: DynamoDB reads',
    `${n(pings)} × ${kind.read.toFixed(2)} RCU × ${usd(prices.dynamoDb.perMillionReadUnits)}/M`,
    ((pings * kind.read) / MILLION) * prices.dynamoDb.perMillionReadUnits,
  );
  add(
    'Pings: log entries kept 30 days',
    `${n(pings)} × ${ASSUMED.pingLogEntryBytes} B × (${usd(prices.dynamoDb.perGbMonthStorage)} + ${usd(prices.dynamoDb.perGbMonthPointInTimeRecovery)} PITR)/GB`,
    ((pings * ASSUMED.pingLogEntryBytes) / GB) *
      (prices.dynamoDb.perGbMonthStorage + prices.dynamoDb.perGbMonthPointInTimeRecovery),
  );
  add(
    'Pings: CloudWatch Logs and data out',
    `${n(pings)} × (${n(ASSUMED.logBytesPerRequest)} B × ${usd(prices.cloudWatch.perGbLogsIngested + prices.cloudWatch.perGbMonthLogsStored)}/GB + ${ASSUMED.responseBytes} B × ${usd(perGbOut)}/GB)`,
    logGb(pings) * (prices.cloudWatch.perGbLogsIngested + prices.cloudWatch.perGbMonthLogsStored) +
      ((pings * ASSUMED.responseBytes) / GB) * perGbOut,
  );

  // The checker
  add(
    'Checker: Lambda requests and billed time',
    `${n(invocations)} × ${usd(prices.lambda.perMillionRequests)}/M + ${units.checkerBilledSecondsPerHour} s/h × ${ASSUMED.days * 24} h × ${ASSUMED.memoryGb} GB`,
    (invocations / MILLION) * prices.lambda.perMillionRequests +
      units.checkerBilledSecondsPerHour * ASSUMED.days * 24 * gbSecond,
  );
  add(
    'Checker: index look and logs',
    `${n(invocations)} × (${units.checkerReadUnitsPerInvocation} RCU + ${n(ASSUMED.checkerLogBytesPerInvocation)} B of logs)`,
    ((invocations * units.checkerReadUnitsPerInvocation) / MILLION) * prices.dynamoDb.perMillionReadUnits +
      logGb(invocations, ASSUMED.checkerLogBytesPerInvocation) * prices.cloudWatch.perGbLogsIngested,
  );

  // The dashboard
  if (polls > 0) {
    const readsPerPoll =
      units.poll.summaryReadUnitsPerJob * input.jobs + units.poll.summaryFixedReadUnits + units.poll.firstPageReadUnits;
    // The summary's own time: measured once it stopped growing with the fleet, else per job (sandbox).
    const summaryMs = units.poll.summaryMedianMs ?? units.summaryMsPerJob * input.jobs;
    const billedSeconds = (units.poll.apiRequests * ASSUMED.apiBaseBilledMs + summaryMs) / 1000;
    add(
      `Dashboard: requests (API Gateway, ${input.cloudFront ? 'CloudFront, ' : ''}Lambda, logs)`,
      `${n(polls)} refreshes × ${units.poll.apiRequests} requests`,
      (apiRequests / MILLION) *
        (prices.httpApi.perMillionRequests +
          prices.lambda.perMillionRequests +
          (input.cloudFront ? edgePerMillion : 0)) +
        logGb(apiRequests) * (prices.cloudWatch.perGbLogsIngested + prices.cloudWatch.perGbMonthLogsStored),
    );
    add(
      'Dashboard: api function duration',
      `${n(polls)} × ${billedSeconds.toFixed(3)} s × ${ASSUMED.memoryGb} GB`,
      polls * billedSeconds * gbSecond,
    );
    add(
      units.poll.summaryReadUnitsPerJob > 0
        ? 'Dashboard: DynamoDB reads (every refresh reads every job)'
        : 'Dashboard: DynamoDB reads (summary counts and the first page)',
      `${n(polls)} × ${n(Math.round(readsPerPoll))} RCU × ${usd(prices.dynamoDb.perMillionReadUnits)}/M`,
      ((polls * readsPerPoll) / MILLION) * prices.dynamoDb.perMillionReadUnits,
    );
  }

  add(
    'Alarms',
    `${ASSUMED.alarmMetrics} metrics × ${usd(prices.cloudWatch.perAlarmMetric)}`,
    ASSUMED.alarmMetrics * prices.cloudWatch.perAlarmMetric,
  );

  const total = lines.reduce((sum, line) => sum + line.dollars, 0);
  const dashboard = lines
    .filter((line) => line.item.startsWith('Dashboard'))
    .reduce((sum, line) => sum + line.dollars, 0);
  const openHours = input.dashboardHours * ASSUMED.days;
  return {
    pingsPerMonth: pings,
    pingUnits: kind,
    lines,
    total,
    dashboardPerOpenHour: openHours > 0 ? dashboard / openHours : 0,
  };
}

/** The bill as a Markdown table (what docs/deploy.md shows). */
export function billTable(bill: Bill): string {
  const rows = [
    '| Item | Arithmetic | Per month |',
    '| --- | --- | --: |',
    ...bill.lines.map((line) => `| ${line.item} | ${line.arithmetic} | ${usd(line.dollars, 2)} |`),
    `| **Total** | | **${usd(bill.total, 2)}** |`,
  ];
  return rows.join('\n');
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function usd(value: number, digits?: number): string {
  return `$${digits === undefined ? String(value) : value.toFixed(digits)}`;
}
