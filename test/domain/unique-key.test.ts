import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUniqueKey, uniqueKeyOf } from '../../shared/domain/unique-key';

describe('uniqueKeyOf', () => {
  it("matches Healthchecks' unique_key for the same UUID (vector computed independently)", () => {
    // python3 -c "import hashlib,uuid; print(hashlib.sha1(uuid.UUID('5b5c1d2e-8f0a-4c3b-9d1e-2f3a4b5c6d7e').hex[:16].encode()).hexdigest())"
    const id = '5b5c1d2e-8f0a-4c3b-9d1e-2f3a4b5c6d7e';
    expect(uniqueKeyOf(id)).toBe('355518cda98a3b3302bcc1bb75fb51cf4fa0f351');
  });

  it('is stable, 40 hex digits, and never contains the long groups of the id', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        const key = uniqueKeyOf(id);
        expect(isUniqueKey(key)).toBe(true);
        expect(uniqueKeyOf(id)).toBe(key);
        const parts = id.split('-');
        // the 8- and 12-digit groups; the 4-digit ones could turn up in 40 hex digits by chance
        for (const part of [parts[0]!, parts[4]!]) expect(key.includes(part)).toBe(false);
      }),
    );
  });

  it('differs between jobs', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => uniqueKeyOf(randomUUID())));
    expect(keys.size).toBe(1000);
  });
});
