import type { AlertMessage } from '../../../shared/app/alert-bus';
import type { AlertTransports } from '../../../shared/alerts/channel';
import type { ChannelRecord } from '../../../shared/domain/channel';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../shared/alerts/send';

/** 2024-03-31 01:30 UTC: an hour into summer time in Berlin. */
export const T0 = Date.UTC(2024, 2, 31, 1, 30, 0);
export const MINUTE = 60_000;

export function alertMessage(
  overrides: Partial<AlertMessage> = {},
  job: Partial<AlertMessage['job']> = {},
): AlertMessage {
  return {
    event: 'down',
    notice: {
      id: 'job-1:7',
      kind: 'flip',
      jobId: 'job-1',
      projectId: 'project-1',
      from: 'healthy',
      to: 'missing',
      at: T0,
      reason: 'expected a ping at 2024-03-31T01:00:00.000Z; none arrived within the grace of 15 min',
    },
    job: {
      id: 'job-1',
      projectId: 'project-1',
      name: 'Database Backup',
      description: 'Nightly dump',
      tags: ['db', 'prod'],
      channelIds: [],
      schedule: '0 3 * * *',
      timezone: 'Europe/Berlin',
      scheduleDescription: 'At 03:00 (Europe/Berlin)',
      graceMs: 15 * MINUTE,
      status: 'missing',
      statusSince: T0,
      lastPingAt: T0 - 24 * 60 * MINUTE - 20 * MINUTE,
      lastSuccessAt: T0 - 24 * 60 * MINUTE - 20 * MINUTE,
      expectedAt: T0 - 30 * MINUTE,
      ...job,
    },
    dashboardUrl: 'https://cronsentry.example.com/#/jobs/job-1',
    ...overrides,
  };
}

export function channel(
  kind: string,
  settings: Record<string, unknown>,
  extra: Partial<ChannelRecord> = {},
): ChannelRecord {
  return {
    id: `00000000-0000-4000-8000-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`,
    projectId: 'project-1',
    kind,
    name: `${kind} channel`,
    settings,
    events: ['down', 'up'],
    isDefault: false,
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

export function transports(overrides: Partial<AlertTransports> = {}): AlertTransports {
  return {
    // The receivers of these tests listen on 127.0.0.1, which only tests may reach.
    destinations: { allowLoopback: true },
    httpTimeoutMs: 2_000,
    clock: () => T0,
    ...overrides,
  };
}

/** A sleep that records what it was asked to wait and returns at once. */
export function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

export const FAST_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY };

/** A logger that keeps nothing (tests assert outcomes, not log lines). */
export const quietLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
