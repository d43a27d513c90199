import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { SimulatedPath } from '../../../test/fakes/simulated-network.js';
import { findCname, parseRtcpCompound, serializeRtcpCompound } from './rtcp-packet.js';
import { RtcpReporter } from './rtcp-reporter.js';
import { RtpSenderState } from './rtp-sender-state.js';

type Datagram = { kind: 'rtp'; ssrc: number; seq: number; ts: number } | { kind: 'rtcp'; bytes: Uint8Array };

/** Two endpoints exchanging 20 ms PCMU-like RTP and RTCP every ~5 s over simulated paths. */
function call(seconds: number, aToBLoss: number) {
  const clock = new FakeClock();
  const rng = new FakeRng(11);
  const ab = new SimulatedPath<Datagram>(clock, rng, { baseDelayMs: 50, lossRate: aToBLoss });
  const ba = new SimulatedPath<Datagram>(clock, rng, { baseDelayMs: 50 });
  const make = (name: string) => {
    const sender = new RtpSenderState(new FakeRng(name.charCodeAt(0)), { clockRate: 8000 });
    return { sender, reporter: new RtcpReporter(sender, { cname: `${name}@example.test`, receiveClockRate: 8000, codecName: 'PCMU' }) };
  };
  const a = make('a');
  const b = make('b');
  const wire = (side: typeof a, out: SimulatedPath<Datagram>, inbound: SimulatedPath<Datagram>) => {
    inbound.onDeliver(({ datagram: d }) => {
      if (d.kind === 'rtp') side.reporter.onRtp(d.ssrc, d.seq, d.ts, clock.monotonic());
      else {
        const parsed = parseRtcpCompound(d.bytes);
        if (parsed.ok) side.reporter.onRtcp(parsed.value, clock.now(), clock.monotonic());
      }
    });
    const media = clock.setInterval(20, () => {
      const h = side.sender.nextMediaFrame(0, 160);
      side.sender.recordSent(160, h.timestamp, clock.now());
      out.send({ kind: 'rtp', ssrc: h.ssrc, seq: h.sequenceNumber, ts: h.timestamp });
    });
    const scheduleReport = (): void => {
      clock.setTimer(side.reporter.nextIntervalMs(rng), () => {
        out.send({ kind: 'rtcp', bytes: serializeRtcpCompound(side.reporter.buildReport(clock.now(), clock.monotonic())) });
        scheduleReport();
      });
    };
    scheduleReport();
    return media;
  };
  const ma = wire(a, ab, ba);
  const mb = wire(b, ba, ab);
  clock.advance(seconds * 1000);
  ma.dispose();
  mb.dispose();
  return { a, b, clock };
}

describe('RTCP reporter (RFC 3550 §6.4)', () => {
  it('measures RTT from LSR/DLSR over a 50 ms each-way path, and loss in both directions', () => {
    const { a, b } = call(40, 0.05);
    const qa = a.reporter.quality({ jitterBufferMs: 20, packetizationMs: 20 });
    const qb = b.reporter.quality({ jitterBufferMs: 20, packetizationMs: 20 });
    expect(qa.rttMs).toBeGreaterThan(99);
    expect(qa.rttMs).toBeLessThan(101);
    expect(qb.rttMs).toBeGreaterThan(99);
    expect(qb.lossPercent).toBeGreaterThan(3.5);
    expect(qb.lossPercent).toBeLessThan(6.5);
    expect(qa.lossPercent).toBe(0);
    expect(qa.remoteLossPercent).toBeGreaterThan(1); // B's last RR about A's stream
    expect(qa.packetsSent).toBe(2000);
    expect(qb.mos).toBeLessThan(qa.mos);
    expect(qa.mos).toBeGreaterThan(4.2);
  });

  it('sends SR with CNAME while sending, RR when silent, and a BYE compound at the end', () => {
    const sender = new RtpSenderState(new FakeRng(5), { clockRate: 8000, ssrc: 77 });
    const r = new RtcpReporter(sender, { cname: 'me@example.test', receiveClockRate: 8000 });
    const first = r.buildReport(Date.UTC(2026, 0, 1), 0);
    expect(first.map((p) => p.type)).toEqual(['rr', 'sdes']);
    const h = sender.nextMediaFrame(0, 160);
    sender.recordSent(160, h.timestamp, Date.UTC(2026, 0, 1));
    const second = r.buildReport(Date.UTC(2026, 0, 1, 0, 0, 5), 5000);
    expect(second[0]).toMatchObject({ type: 'sr', ssrc: 77, packetCount: 1, octetCount: 160, rtpTimestamp: (h.timestamp + 40000) >>> 0 });
    const sdes = second[1]!;
    expect(sdes.type === 'sdes' && findCname(sdes, 77)).toBe('me@example.test');
    expect(r.buildReport(Date.UTC(2026, 0, 1, 0, 0, 10), 10000)[0]!.type).toBe('rr'); // nothing sent since
    const bye = r.buildBye('hangup');
    expect(bye.map((p) => p.type)).toEqual(['rr', 'sdes', 'bye']);
    // A peer's BYE marks its source as gone; its stats stop being reported.
    r.onRtp(5, 1, 0, 0);
    r.onRtp(5, 2, 160, 20);
    r.onRtcp([{ type: 'bye', ssrcs: [5] }], Date.UTC(2026, 0, 1), 30);
    expect(r.hasLeft(5)).toBe(true);
    const after = r.buildReport(Date.UTC(2026, 0, 1, 0, 0, 15), 15000)[0]!;
    expect(after.type === 'rr' && after.reports).toEqual([]);
  });

  it('randomises the report interval over [0.5, 1.5] × 5 s (§6.3.1)', () => {
    const r = new RtcpReporter(new RtpSenderState(new FakeRng(1), { clockRate: 8000 }), { cname: 'x', receiveClockRate: 8000 });
    const rng = new FakeRng(3);
    const xs = Array.from({ length: 500 }, () => r.nextIntervalMs(rng));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2500);
    expect(Math.max(...xs)).toBeLessThanOrEqual(7500);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(4000);
  });
});
