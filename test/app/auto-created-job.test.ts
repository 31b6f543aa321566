import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJobCreate } from '../../shared/app/job-input';
import { autoCreatedJob, isSlug, MAX_SLUG_LENGTH } from '../../shared/app/slugs';

// `?create=1` builds the job's input instead of parsing it (the ping function loads no input
// schema): for every slug the ping path accepts, what it builds is exactly what POST /api/jobs
// would make of the same name with the auto-created job's settings.
const slugs = fc
  .array(fc.stringMatching(/^[a-z0-9_]{1,12}$/), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join('-').slice(0, MAX_SLUG_LENGTH).replace(/-+$/, ''))
  .filter(isSlug);

describe('autoCreatedJob', () => {
  it('equals the parsed body of a job named by the slug, every day, 60 min grace, no channels', () => {
    fc.assert(
      fc.property(slugs, (slug) => {
        expect(autoCreatedJob(slug)).toEqual(
          parseJobCreate({ name: slug, schedule: 'every 1d', grace_time: 60, channels: [] }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('holds for the longest slug', () => {
    const slug = 'a'.repeat(MAX_SLUG_LENGTH);
    expect(isSlug(slug)).toBe(true);
    expect(autoCreatedJob(slug)).toEqual(
      parseJobCreate({ name: slug, schedule: 'every 1d', grace_time: 60, channels: [] }),
    );
  });
});
