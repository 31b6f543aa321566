/**
 * AWS list prices used by `npm run cost`, in one place. Region us-east-1 (N. Virginia), pay as you
 * go, no free tier, no savings plan. Prices change and differ by region: check the sources before
 * relying on a total, and change them here only (docs/deploy.md is generated from this file).
 */
export const PRICES = {
  region: 'us-east-1',
  /** When the figures were taken from the pages below. */
  date: '2025 list prices (not re-checked online since; verify before relying on a total)',
  lambda: {
    source: 'https://aws.amazon.com/lambda/pricing/',
    /** Arm64, first 7.5 billion GB-seconds a month. */
    perGbSecond: 0.0000133334,
    perMillionRequests: 0.2,
  },
  httpApi: {
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    /** HTTP APIs, first 300 million requests a month. */
    perMillionRequests: 1.0,
    /** Data transfer out to the internet, first 10 TB (EC2 rates). */
    perGbOut: 0.09,
  },
  cloudFront: {
    source: 'https://aws.amazon.com/cloudfront/pricing/',
    /** HTTPS requests, United States / Europe: $0.0100 per 10,000. */
    perMillionHttpsRequests: 1.0,
    perMillionFunctionInvocations: 0.1,
    /** Data transfer out to the internet, United States / Europe, first 10 TB. */
    perGbOut: 0.085,
  },
  dynamoDb: {
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    perMillionWriteUnits: 0.625,
    perMillionReadUnits: 0.125,
    perGbMonthStorage: 0.25,
    perGbMonthPointInTimeRecovery: 0.2,
  },
  cloudWatch: {
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    perGbLogsIngested: 0.5,
    perGbMonthLogsStored: 0.03,
    /** Standard-resolution alarm, per metric it reads. */
    perAlarmMetric: 0.1,
  },
} as const;

export type Prices = typeof PRICES;
