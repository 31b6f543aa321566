import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventEnvelope } from '../../shared/domain/aws-events';

export const FIXTURE_DIR = path.resolve(import.meta.dirname, '../fixtures/aws-events');

/** One documented sample event, by `service/outcome` (e.g. `ecs/stopped-exit-1`). */
export function fixture(name: string): EventEnvelope {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), 'utf8')) as EventEnvelope;
}

/** Every fixture's name, so that a new file without an expectation fails the table test. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(path.join(FIXTURE_DIR, dir.name))
        .filter((file) => file.endsWith('.json'))
        .map((file) => `${dir.name}/${file.replace(/\.json$/, '')}`),
    )
    .sort();
}
