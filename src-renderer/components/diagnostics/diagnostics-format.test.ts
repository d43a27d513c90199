import { describe, expect, it } from 'vitest';
import { formatSize, logTime, transportName } from './diagnostics-format';

describe('diagnostics formatting', () => {
  it('log times are local, to the millisecond', () => {
    expect(logTime(new Date(2026, 11, 6, 14, 2, 3, 7).toISOString())).toBe('14:02:03.007');
    expect(logTime(new Date(2026, 11, 6, 9, 0, 0, 123).toISOString())).toBe('09:00:00.123');
    expect(logTime('not a time')).toBe('not a time');
  });

  it('sizes in decimal units', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(812)).toBe('812 B');
    expect(formatSize(1500)).toBe('1.5 kB');
    expect(formatSize(48_213)).toBe('48 kB');
    expect(formatSize(3_100_000)).toBe('3.1 MB');
  });

  it('transports as people write them', () => {
    expect(transportName('tls')).toBe('TLS');
    expect(transportName('udp')).toBe('UDP');
  });
});
