import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAlerting } from '../../../shared/wiring/alerting';
import type { AlertTransports } from '../../../shared/alerts/channel';
import { ChannelRepository } from '../../../shared/storage/channel-repository';
import { DeliveryRepository } from '../../../shared/storage/delivery-repository';
import { HistoryRepository } from '../../../shared/storage/history-repository';
import { JobRepository } from '../../../shared/storage/job-repository';
import { T0, quietLogger, recordingSleep, transports } from './fixtures';

/** The alerts feature over a real local table, with a clock the test moves and sleeps that return at once. */
export function alertingOver(
  table: { documents: DynamoDBDocumentClient; tableName: string },
  overrides: Partial<AlertTransports> = {},
) {
  const clock = { now: T0 };
  const { waits, sleep } = recordingSleep();
  const alerting = createAlerting({
    channels: new ChannelRepository(table.documents, table.tableName),
    deliveries: new DeliveryRepository(table.documents, table.tableName, 86_400_000),
    jobs: new JobRepository(table.documents, table.tableName),
    history: new HistoryRepository(table.documents, table.tableName, 86_400_000),
    logger: quietLogger,
    transports: transports({ clock: () => clock.now, ...overrides }),
    clock: () => clock.now,
    sleep,
  });
  return { alerting, clock, waits };
}

/** Polls until `check` holds (bounded by the test's own timeout); for state another task writes. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${what}`);
}
