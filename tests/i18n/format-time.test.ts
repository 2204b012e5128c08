import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { describe, expect, it } from '@jest/globals';
import { dayKey, formatTime, localTime } from '../../src/i18n/format-time.js';

const ZONES = ['Asia/Seoul', 'UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham'];

/** Instants around every DST change of 2026 in the zones above, minute by minute for an hour, and spread over a century. */
function instants(): number[] {
  const out: number[] = [];
  for (let at = Date.UTC(1971, 0, 1); at < Date.UTC(2070, 0, 1); at += 86_400_000 * 37 + 3_600_000 * 7 + 60_000 * 13) out.push(at);
  for (const change of [Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 3, 4, 15), Date.UTC(2026, 9, 3, 16), Date.UTC(2026, 10, 1, 6), Date.UTC(2026, 9, 25, 1)]) {
    for (let m = -30; m <= 30; m += 1) out.push(change + m * 60_000 + 59_999);
  }
  return out;
}

describe('local time in a zone (formatted without date-fns on the hot path)', () => {
  it.each(ZONES)('formatTime, dayKey and the weekday agree with date-fns in %s, across DST changes and a century', (zone) => {
    const mismatches: string[] = [];
    for (const at of instants()) {
      const z = new TZDate(at, zone);
      const expected = `${format(z, 'yyyy-MM-dd HH:mm')} ${format(z, 'yyyyMMdd')} ${z.getDay()}`;
      const actual = `${formatTime(at, zone)} ${dayKey(at, zone)} ${localTime(at, zone).weekday}`;
      if (actual !== expected) mismatches.push(`${new Date(at).toISOString()}: ${actual} ≠ ${expected}`);
    }
    expect(mismatches).toEqual([]);
  });

  it.each(ZONES)('a minute remembered from its first instant answers for its last one too, in %s', (zone) => {
    const mismatches: string[] = [];
    for (const at of instants()) {
      const first = at - (at % 60_000);
      localTime(first, zone);
      for (const later of [first + 1, first + 30_000, first + 59_999]) {
        const z = new TZDate(later, zone);
        const expected = `${format(z, 'yyyy-MM-dd HH:mm')} ${z.getDay()}`;
        const actual = `${formatTime(later, zone)} ${localTime(later, zone).weekday}`;
        if (actual !== expected) mismatches.push(`${new Date(later).toISOString()}: ${actual} ≠ ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('hands each caller its own fields: changing one answer changes no later one', () => {
    const at = Date.UTC(2026, 10, 28, 15, 0);
    const a = localTime(at, 'Asia/Seoul');
    a.hour = 7;
    expect(localTime(at, 'Asia/Seoul').hour).toBe(0);
  });

  it('formats midnight as 00, never 24', () => {
    expect(formatTime(Date.UTC(2026, 10, 28, 15, 0), 'Asia/Seoul')).toBe('2026-11-29 00:00');
    expect(dayKey(Date.UTC(2026, 10, 28, 15, 0), 'Asia/Seoul')).toBe('20261129');
  });
});
