import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJobDraft, toJobPatch } from '../../shared/app/job-draft';
import { parseJobCreate, parseJobUpdate } from '../../shared/app/job-input';
import { clipText, lineTextProblem, oneLine, printableAscii, tailText } from '../../shared/domain/plain-text';
import { parseSchedule } from '../../shared/domain/schedule';
import { ValidationError } from '../../shared/errors';

const T0 = Date.UTC(2026, 0, 5);
const draft = (body: Record<string, unknown>) => () =>
  toJobDraft(parseJobCreate({ name: 'Backup', schedule: '0 3 * * *', grace_time: 15, ...body }), 60_000, T0);

function refusedField(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).field;
  }
}

describe('text a job may be saved with', () => {
  it.each([
    ['a line feed', 'Backup\nBcc: x@example.com'],
    ['a carriage return', 'Backup\rdone'],
    ['NUL', 'Backup\0'],
    ['ESC (terminal colours)', '\x1b[31mBackup'],
    ['a C1 control (NEL)', 'Backup\u0085x'],
    ['a line separator', 'Backup\u2028x'],
    ['a right-to-left override', 'Backup \u202egnissim'],
    ['a bidi isolate', '\u2066Backup'],
    ['a lone surrogate', 'Backup \ud83d'],
  ])('refuses a name with %s, naming the field', (_what, name) => {
    expect(refusedField(draft({ name }))).toBe('name');
    expect(
      refusedField(() => toJobPatch(parseJobUpdate({ name }), parseSchedule('0 3 * * *'), '0 3 * * *', 60_000, T0)),
    ).toBe('name');
  });

  it('accepts emoji, accents, right-to-left text with its marks, and trims breaks at the ends', () => {
    expect(draft({ name: 'Sauvegarde 😀 é' })().name).toBe('Sauvegarde 😀 é');
    expect(draft({ name: 'גיבוי\u200f Backup' })().name).toBe('גיבוי\u200f Backup');
    expect(draft({ name: '\nBackup\r\n' })().name).toBe('Backup');
  });

  it('refuses control characters in descriptions but keeps their line breaks and tabs', () => {
    expect(draft({ description: 'line one\n\tline two\r\n' })().description).toBe('line one\n\tline two\r\n');
    expect(refusedField(draft({ description: 'dump\0' }))).toBe('description');
    expect(refusedField(draft({ description: 'a \u202e b' }))).toBe('description');
  });

  it('refuses a tag with a control character, naming the tag', () => {
    expect(refusedField(draft({ tags: ['db', 'prod\n'] }))).toBeUndefined(); // trimmed
    expect(refusedField(draft({ tags: ['db', 'pr\u0000od'] }))).toBe('tags.1');
  });
});

describe('safe by construction', () => {
  it('clips by code unit budget without splitting a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.integer({ min: 1, max: 60 }), (text, max) => {
        for (const clipped of [clipText(text, max), tailText(text, max)]) {
          expect(clipped.length).toBeLessThanOrEqual(Math.max(max, 1));
          expect(
            lineTextProblem(clipped.replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu, '')),
          ).toBeUndefined();
        }
      }),
    );
  });

  it('makes any text one line, and printable ASCII under 100 characters for SNS', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('\r\n', '\0', '\ud800', '\u202e'),
        (text, odd) => {
          const line = oneLine(`${text}${odd}${text}`);
          expect(lineTextProblem(line)).toBeUndefined();
          const ascii = printableAscii(`MISSING | ${text}${odd}`, 99);
          expect(ascii).toMatch(/^[\x20-\x7e]{1,99}$/);
        },
      ),
    );
    expect(printableAscii('MISSING | Sauvegarde é 😀', 99)).toBe('MISSING | Sauvegarde e ?');
  });
});
