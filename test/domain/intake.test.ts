import { describe, expect, it } from 'vitest';
import { INTAKE_POLICY, ingestDrop, judgeIntake, type IntakePolicy } from '../../shared/domain/intake';

const policy: IntakePolicy = { baselineMinutes: 10, dropRatio: 0.2, minBaseline: 20 };
/** Ten minutes at `rate`, then the minute judged. */
const minutes = (rate: number, last: number) => [...Array.from({ length: 10 }, () => rate), last];

describe('ingest drop against the recent rate (policy: below 20 % of a mean of at least 20 a minute)', () => {
  it('uses the documented defaults', () => {
    expect(INTAKE_POLICY).toEqual(policy);
  });

  it.each<[string, number, boolean]>([
    ['N−1 = 19 of 100 a minute: a drop', 19, true],
    ['N = 20 of 100 a minute: not a drop (the bound is exclusive)', 20, false],
    ['N+1 = 21 of 100 a minute: not a drop', 21, false],
  ])('%s', (_name, last, dropped) => {
    expect(ingestDrop(minutes(100, last), policy) !== undefined).toBe(dropped);
  });

  it.each<[string, number, boolean]>([
    ['a mean of N−1 = 19 a minute is too quiet to judge', 19, false],
    ['a mean of N = 20 a minute is judged', 20, true],
    ['a mean of N+1 = 21 a minute is judged', 21, true],
  ])('%s (the last minute is empty)', (_name, rate, judged) => {
    expect(ingestDrop(minutes(rate, 0), policy) !== undefined).toBe(judged);
  });

  it.each<[string, number, boolean]>([
    ['N−1 = 10 minutes of history: not enough to judge', 10, false],
    ['N = 11 (10 before the last): judged', 11, true],
    ['N+1 = 12: judged on the 10 before the last', 12, true],
  ])('%s', (_name, length, judged) => {
    const history = Array.from({ length }, (_, index) => (index === length - 1 ? 0 : 100));
    expect(ingestDrop(history, policy) !== undefined).toBe(judged);
  });

  it('says what it saw', () => {
    expect(ingestDrop(minutes(100, 3), policy)).toBe('3 pings in the last minute against 100 a minute before it');
  });
});

describe('judgeIntake', () => {
  it('a lost canary is a failing intake whatever the volume', () => {
    expect(judgeIntake({ canary: 'lost', perMinute: minutes(100, 100) }, policy)).toMatchObject({ failing: true });
  });

  it('an arrived canary with a steady volume is a working intake', () => {
    expect(judgeIntake({ canary: 'arrived', perMinute: minutes(100, 90) }, policy)).toEqual({ failing: false });
  });

  it('a sharp drop is failing even when the canary got through (pings from elsewhere are lost)', () => {
    expect(judgeIntake({ canary: 'arrived', perMinute: minutes(100, 5) }, policy)).toMatchObject({ failing: true });
  });

  it('without a canary, the volume alone decides', () => {
    expect(judgeIntake({ canary: 'not-run', perMinute: minutes(100, 50) }, policy)).toEqual({ failing: false });
    expect(judgeIntake({ canary: 'not-run', perMinute: minutes(100, 0) }, policy)).toMatchObject({ failing: true });
  });
});
