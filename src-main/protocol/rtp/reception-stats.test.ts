import { describe, expect, it } from 'vitest';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { compactNtpFromMs, msFromCompactNtp, ntpFromUnixMs, ntpMiddle32, roundTripTimeMs, unixMsFromNtp } from './ntp-time.js';
import { ReceptionStats } from './reception-stats.js';
import { RtpSenderState } from './rtp-sender-state.js';

describe('reception statistics (RFC 3550 A.1, A.3, A.8)', () => {
  it('keeps a new source on probation until MIN_SEQUENTIAL=2 packets arrive in sequence (A.1)', () => {
    const s = new ReceptionStats(1, 8000);
    expect(s.onPacket(100, 0, 0)).toBe('probation');
    expect(s.makeReportBlock(0)).toBeUndefined();
    expect(s.onPacket(101, 160, 20)).toBe('accepted');
    expect(s.received).toBe(1);
    expect(s.onPacket(102, 320, 40)).toBe('accepted');
    expect(s.snapshot()).toMatchObject({ received: 2, expected: 2, lost: 0 });
  });

  it('extends the sequence number across the 16-bit wrap and counts loss and cycles (A.1, A.3)', () => {
    const s = new ReceptionStats(1, 8000);
    let ts = 0;
    for (let seq = 65530; seq < 65536 + 10; seq++) {
      if (seq === 65534 || seq === 65536 + 3) continue; // two losses
      s.onPacket(seq & 0xffff, ts, ts / 8);
      ts += 160;
    }
    expect(s.extendedHighestSequence).toBe(65536 + 9);
    const block = s.makeReportBlock(1000)!;
    // Probation consumed 65530; counting starts at 65531 → expected 65531..65545 = 15, received 13.
    expect(block.cumulativeLost).toBe(2);
    expect(block.extendedHighestSequence).toBe(0x10009);
    expect(block.fractionLost).toBe(Math.floor((2 * 256) / 15));
    // Next interval without loss reports fraction 0 but keeps the cumulative count.
    for (let seq = 10; seq < 20; seq++) s.onPacket(seq, seq * 160, seq * 20);
    const next = s.makeReportBlock(2000)!;
    expect(next.fractionLost).toBe(0);
    expect(next.cumulativeLost).toBe(2);
  });

  it('treats duplicates as received (cumulative loss may go negative) and resyncs after a confirmed restart (A.1 bad_seq)', () => {
    const s = new ReceptionStats(7, 8000);
    for (let seq = 1; seq <= 5; seq++) s.onPacket(seq, seq * 160, seq * 20);
    s.onPacket(5, 5 * 160, 101);
    s.onPacket(5, 5 * 160, 102);
    expect(s.snapshot().lost).toBe(-2);
    expect(s.onPacket(40000, 0, 200)).toBe('bad-sequence');
    expect(s.onPacket(40001, 160, 220)).toBe('restarted');
    expect(s.snapshot()).toMatchObject({ received: 1, expected: 1 });
  });

  it('estimates interarrival jitter per A.8: constant transit gives 0, alternating ±d converges to d', () => {
    const steady = new ReceptionStats(1, 8000);
    for (let i = 0; i < 200; i++) steady.onPacket(i, i * 160, 1000 + i * 20);
    expect(steady.jitter).toBe(0);

    const jittery = new ReceptionStats(1, 8000);
    for (let i = 0; i < 400; i++) jittery.onPacket(i, i * 160, 1000 + i * 20 + (i % 2 === 0 ? 0 : 10));
    // |D| = 10 ms = 80 timestamp units every packet; J converges to 80.
    expect(Math.abs(jittery.jitter - 80)).toBeLessThanOrEqual(1);
    expect(jittery.snapshot().jitterMs).toBeCloseTo(10, 0);
  });

  it('keeps jitter and the fraction lost right at extremes a hostile sender can cause (found by the native RTCP differential test): jitter beyond 2^27 units, more than 2^23 packets lost in one interval', () => {
    // Timestamps that jump by 2^30 each packet: |D| ≈ 2^30, so J·16 passes 2^31 (a 32-bit shift went negative).
    const wild = new ReceptionStats(1, 8000);
    for (let i = 0; i < 200; i++) wild.onPacket(i, (i % 2) * 0x4000_0000, 1000 + i * 20);
    expect(wild.jitter, 'jitter stays positive').toBeGreaterThan(0x3000_0000);
    expect(wild.snapshot().jitter).toBe(wild.jitter);
    const wildBlock = wild.makeReportBlock(5000);
    expect(wildBlock!.jitter).toBe(wild.jitter);
    // 8,691,202 of 8,694,103 packets lost in one interval (sequence cycles): the fraction is 255, not a wrapped value.
    const lossy = new ReceptionStats(1, 8000);
    lossy.onPacket(0, 0, 0);
    lossy.onPacket(1, 160, 20);
    lossy.makeReportBlock(40);
    let seq = 1;
    let ts = 160;
    let at = 20;
    // Advance in steps of 2,999 (under MAX_DROPOUT, so each is a gap, not a restart) until ~8.69M expected.
    while (seq < 8_694_000) {
      seq += 2999;
      ts += 160;
      at += 20;
      lossy.onPacket(seq & 0xffff, ts, at);
    }
    const block = lossy.makeReportBlock(at + 20)!;
    const expected = seq - 1;
    const received = Math.ceil((seq - 1) / 2999);
    const exact = Math.min(255, Math.floor(((expected - received) * 256) / expected));
    expect(block.fractionLost).toBe(exact);
    expect(block.fractionLost).toBeGreaterThanOrEqual(254);
  });

  it('reports LSR and DLSR from the last SR received (§6.4.1)', () => {
    const s = new ReceptionStats(1, 8000);
    s.onPacket(1, 0, 0);
    s.onPacket(2, 160, 20);
    s.onSenderReport(0x12345678, 1000);
    const b = s.makeReportBlock(1500)!;
    expect(b.lastSr).toBe(0x12345678);
    expect(b.delaySinceLastSr).toBe(32768); // 0.5 s in 1/65536 s
  });
});

describe('NTP timestamps and round-trip time (RFC 3550 §4, §6.4.1)', () => {
  it('converts Unix milliseconds to NTP and back, and takes the middle 32 bits', () => {
    const ntp = ntpFromUnixMs(Date.UTC(2026, 0, 1, 0, 0, 0, 500));
    expect(ntp.seconds).toBe(Math.floor(Date.UTC(2026, 0, 1) / 1000) + 2_208_988_800);
    expect(ntp.fraction).toBe(0x80000000);
    expect(unixMsFromNtp(ntp)).toBe(Date.UTC(2026, 0, 1, 0, 0, 0, 500));
    expect(ntpMiddle32({ seconds: 0xaabbccdd, fraction: 0x11223344 })).toBe(0xccdd1122);
  });

  it('computes RTT = A - LSR - DLSR with the RFC 3550 Figure 2 example (A=0xb710:8000, LSR=0xb705:2000, DLSR=5.25 s → 6.125 s)', () => {
    const a = 0xb7108000;
    const lsr = 0xb7052000;
    const dlsr = 0x00054000;
    expect(roundTripTimeMs(a, lsr, dlsr)).toBe(6125);
    expect(roundTripTimeMs(a, 0, dlsr)).toBeUndefined(); // no SR received yet
    expect(roundTripTimeMs(lsr, a, 0)).toBeUndefined(); // negative: corrupt or clock error
    expect(msFromCompactNtp(compactNtpFromMs(5250))).toBe(5250);
  });
});

describe('RTP sender state (RFC 3550 §5.1, RFC 3551 §4.1)', () => {
  it('starts from random sequence number and timestamp and sets the marker on the first packet of each talkspurt', () => {
    const a = new RtpSenderState(new FakeRng(1), { clockRate: 8000 });
    const b = new RtpSenderState(new FakeRng(2), { clockRate: 8000 });
    expect(a.ssrc).not.toBe(b.ssrc);
    expect(a.nextSequenceNumber).not.toBe(b.nextSequenceNumber);
    expect(a.timestamp).not.toBe(b.timestamp);
    const ts0 = a.timestamp;
    const seq0 = a.nextSequenceNumber;
    const h1 = { ...a.nextMediaFrame(0, 160) };
    const h2 = { ...a.nextMediaFrame(0, 160) };
    expect([h1.marker, h2.marker]).toEqual([true, false]);
    expect(h2.timestamp - h1.timestamp).toBe(160);
    expect(h2.sequenceNumber).toBe((seq0 + 1) & 0xffff);
    a.skip(160 * 10); // silence suppressed
    const h3 = { ...a.nextMediaFrame(0, 160) };
    expect(h3.marker).toBe(true);
    expect((h3.timestamp - ts0) >>> 0).toBe(160 * 12);
    expect(h3.sequenceNumber).toBe((seq0 + 2) & 0xffff); // no gap in sequence numbers
  });

  it('wraps sequence numbers and timestamps, keeps SR counts and extrapolates the SR RTP timestamp', () => {
    const s = new RtpSenderState(new FakeRng(3), { clockRate: 8000, ssrc: 5 });
    for (let i = 0; i < 70000; i++) {
      const h = s.nextMediaFrame(0, 160);
      s.recordSent(160, h.timestamp, i * 20);
    }
    expect(s.counts).toEqual({ packetCount: 70000, octetCount: 70000 * 160 });
    const last = (s.timestamp - 160) >>> 0;
    expect(s.rtpTimestampAt(69999 * 20 + 100)).toBe((last + 800) >>> 0);
    const old = s.ssrc;
    expect(s.changeSsrc()).not.toBe(old);
    expect(s.counts.packetCount).toBe(0);
  });
});
