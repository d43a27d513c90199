import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { SimulatedPath, type NetworkConditions } from '../../../test/fakes/simulated-network.js';
import { JitterBuffer, type JitterBufferOutput } from './jitter-buffer.js';
import { SlidingWindowStats } from './sliding-window-stats.js';

interface Pkt {
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
  marker: boolean;
  /** Index in send order (what the test checks continuity with). */
  index: number;
}

const FRAME = 160; // 20 ms at 8 kHz
const pkt = (index: number, over: Partial<Pkt> = {}): Pkt => ({
  sequenceNumber: (1000 + index) & 0xffff,
  timestamp: (0xfffff000 + index * FRAME) >>> 0, // wraps during the tests
  ssrc: 42,
  payloadType: 0,
  marker: index === 0,
  index,
  ...over,
});

const newBuffer = (over: Partial<ConstructorParameters<typeof JitterBuffer<Pkt>>[0]> = {}): JitterBuffer<Pkt> =>
  new JitterBuffer<Pkt>({ clockRate: 8000, frameTicks: FRAME, initialDelayMs: 40, ...over });

interface Sample {
  at: number;
  out: JitterBufferOutput<Pkt>;
  targetMs: number;
  currentMs: number;
}

function describeOutput(o: JitterBufferOutput<Pkt>): string {
  return o.kind === 'packet' ? `p${o.packet.index}` : o.kind === 'conceal' ? `c:${o.reason}` : 's';
}

describe('jitter buffer: unit behaviour', () => {
  it('waits for the initial delay, then plays packets in order one frame per call', () => {
    const jb = newBuffer();
    for (let i = 0; i < 5; i++) jb.put(pkt(i), i * 20);
    const out: string[] = [];
    for (let t = 0; t <= 120; t += 20) out.push(describeOutput(jb.get(t + 1)));
    expect(out).toEqual(['s', 's', 'p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('restores order of reordered packets and drops duplicates', () => {
    const jb = newBuffer();
    const order = [0, 2, 1, 1, 3, 5, 4, 4, 6, 7];
    const results = order.map((i, k) => jb.put(pkt(i), k * 20));
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(2);
    const played: number[] = [];
    for (let t = 0; t < 400; t += 20) {
      const o = jb.get(200 + t);
      if (o.kind === 'packet') played.push(o.packet.index);
    }
    expect(played).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(jb.stats().duplicates).toBe(2);
  });

  it('conceals a lost packet for exactly its duration and continues with the next one', () => {
    const jb = newBuffer();
    for (const i of [0, 1, 3, 4]) jb.put(pkt(i), i * 20);
    const out: string[] = [];
    for (let t = 40; t <= 140; t += 20) out.push(describeOutput(jb.get(t + 1)));
    expect(out).toEqual(['p0', 'p1', 'c:lost', 'p3', 'p4', 'c:lost']);
  });

  it('drops a packet that arrives after its playout time as late and grows the delay', () => {
    const jb = newBuffer({ marginMs: 0 });
    // Steady stream to establish timing, with packet 20 arriving 100 ms late.
    let late: string | undefined;
    const outs: string[] = [];
    for (let i = 0; i < 40; i++) {
      if (i !== 20) jb.put(pkt(i), i * 20);
      if (i === 25) late = jb.put(pkt(20), 20 * 20 + 100);
      outs.push(describeOutput(jb.get(i * 20 + 10)));
    }
    expect(late).toBe('late');
    expect(jb.stats().late).toBe(1);
    expect(outs).toContain('c:lost');
    // The late arrival raised the target (late-arrival allowance), so the buffer grew.
    expect(jb.stats().grown).toBeGreaterThan(0);
    expect(jb.targetDelayMs).toBeGreaterThanOrEqual(5);
  });

  it('treats a silence gap after comfort noise as DTX (silence, not loss) and keeps timing across it', () => {
    const jb = newBuffer({ initialDelayMs: 20 });
    const outs: string[] = [];
    let t = 0;
    // 10 speech packets, one CN packet, 1 s of nothing, then speech again with the timestamps advanced by the gap.
    for (let i = 0; i < 10; i++, t += 20) {
      jb.put(pkt(i), t);
      outs.push(describeOutput(jb.get(t + 5)));
    }
    jb.put(pkt(10, { payloadType: 13 }), t);
    for (let k = 0; k < 50; k++, t += 20) outs.push(describeOutput(jb.get(t + 5)));
    for (let i = 61; i < 70; i++, t += 20) {
      jb.put(pkt(i, { sequenceNumber: 1000 + i - 50, marker: i === 61 }), t);
      outs.push(describeOutput(jb.get(t + 5)));
    }
    expect(outs.filter((o) => o.startsWith('c:'))).toEqual([]);
    expect(outs.join(' ')).toContain('p10 s s');
    expect(outs.filter((o) => o.startsWith('p6'))).toHaveLength(8);
    expect(jb.stats().resets).toBe(0);
  });

  it('resets on a timestamp jump confirmed by a second packet, but ignores a single stray timestamp', () => {
    const jb = newBuffer();
    for (let i = 0; i < 20; i++) {
      jb.put(pkt(i), i * 20);
      jb.get(i * 20 + 10);
    }
    // One stray packet with a wild timestamp: held, then the stream continues normally.
    expect(jb.put(pkt(20, { timestamp: 0x40000000 }), 400)).toBe('held');
    expect(jb.put(pkt(21), 420)).toBe('queued');
    expect(jb.stats().resets).toBe(0);
    // The sender really restarts its timestamps (e.g. a transcoder switched sources).
    expect(jb.put(pkt(22, { timestamp: 0x50000000 }), 440)).toBe('held');
    expect(jb.put(pkt(23, { timestamp: 0x50000000 + 160 }), 460)).toBe('reset');
    expect(jb.stats().resets).toBe(1);
    const played: number[] = [];
    for (let t = 460; t < 700; t += 20) {
      jb.put(pkt(24 + (t - 460) / 20, { timestamp: 0x50000000 + 320 + ((t - 460) / 20) * 160 }), t);
      const o = jb.get(t + 10);
      if (o.kind === 'packet') played.push(o.packet.index);
    }
    expect(played[0]).toBe(23);
    expect(played).toEqual([...played].sort((a, b) => a - b));
  });

  it('starts over when the SSRC changes', () => {
    const jb = newBuffer();
    for (let i = 0; i < 5; i++) jb.put(pkt(i), i * 20);
    expect(jb.put(pkt(5, { ssrc: 99, timestamp: 7 }), 100)).toBe('reset');
    expect(jb.stats().buffered).toBe(1);
  });

  it('bounds memory: overflow drops the oldest packet when nobody reads', () => {
    const jb = newBuffer({ capacity: 10 });
    const results = Array.from({ length: 30 }, (_, i) => jb.put(pkt(i), i * 20));
    expect(results.filter((r) => r === 'overflow')).toHaveLength(20);
    expect(jb.stats().buffered).toBe(10);
  });

  it('learns the frame duration from the stream (30 ms packets announced as 20 ms)', () => {
    const jb = newBuffer();
    for (let i = 0; i < 5; i++) jb.put(pkt(i, { timestamp: i * 240 }), i * 30);
    expect(jb.frameDurationTicks).toBe(240);
    const o = jb.get(200);
    expect(o.kind === 'packet' && o.ticks).toBe(240);
  });
});

describe('SlidingWindowStats', () => {
  it('matches a naive sort-based min and quantile over a sliding window', () => {
    const rng = new FakeRng(9);
    const w = new SlidingWindowStats(50);
    const all: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const v = (rng.uint32() % 1000) / 10;
      w.push(v);
      all.push(v);
      const win = all.slice(-50).sort((a, b) => a - b);
      expect(w.min()).toBe(win[0]);
      expect(w.quantile(0.95)).toBe(win[Math.ceil(0.95 * win.length) - 1]);
      expect(w.max()).toBe(win[win.length - 1]);
    }
  });
});

/**
 * Runs a 20 ms stream through a simulated path into a jitter buffer read by a 20 ms playout
 * clock, all on a FakeClock. Returns what the listener would hear and the buffer's stats.
 */
function simulate(conditions: NetworkConditions, seconds: number, seed: number, options: { silenceEvery?: number; changeAt?: { second: number; conditions: NetworkConditions } } = {}) {
  const clock = new FakeClock();
  const rng = new FakeRng(seed);
  const path = new SimulatedPath<Pkt>(clock, rng, conditions);
  const jb = new JitterBuffer<Pkt>({ clockRate: 8000, frameTicks: FRAME });
  path.onDeliver((d) => jb.put(d.datagram, d.at));
  const total = (seconds * 1000) / 20;
  let sent = 0;
  const sender = clock.setInterval(20, () => {
    if (sent >= total) return;
    if (options.changeAt !== undefined && sent === (options.changeAt.second * 1000) / 20) path.setConditions(options.changeAt.conditions);
    const silent = options.silenceEvery !== undefined && Math.floor(sent / options.silenceEvery) % 2 === 1;
    path.send(pkt(sent, { payloadType: silent ? 13 : 0 }));
    sent++;
  });
  const heard: Sample[] = [];
  const delays: number[] = [];
  let reader: { dispose(): void } | undefined;
  // The playout clock runs at the same rate with an arbitrary phase.
  clock.setTimer(7, () => {
    reader = clock.setInterval(20, () => {
      const out = jb.get(clock.monotonic());
      const st = jb.stats();
      heard.push({ at: clock.monotonic(), out, targetMs: st.targetDelayMs, currentMs: st.currentDelayMs });
      if (out.kind === 'packet') delays.push(clock.monotonic() - out.packet.index * 20 - 20);
    });
  });
  clock.advance(seconds * 1000 + 1000);
  sender.dispose();
  reader?.dispose();
  path.dispose();
  // Frames between the first and the last packet played: what the listener hears of the stream.
  const first = heard.findIndex((h) => h.out.kind === 'packet');
  const last = heard.length - 1 - [...heard].reverse().findIndex((h) => h.out.kind === 'packet');
  const talk = heard.slice(first, last + 1);
  return { heard, talk, stats: jb.stats(), net: path.stats, delays, jb };
}

const count = (talk: Sample[], kind: JitterBufferOutput<Pkt>['kind']): number => talk.filter((h) => h.out.kind === kind).length;

describe('jitter buffer on a simulated network (reorder, 5% loss, 40 ms jitter, duplicates)', () => {
  const bad: NetworkConditions = { baseDelayMs: 30, jitterMs: 40, lossRate: 0.05, duplicateRate: 0.02, reorderRate: 0.02, reorderDelayMs: 25 };

  it('keeps playout continuous, in order, conceals ≈ network loss + ≤2% late, and adds ≤70 ms mean delay', () => {
    const { talk, stats, net, delays } = simulate(bad, 60, 1234);
    expect(net.reordered).toBeGreaterThan(100); // the path really reorders
    expect(net.duplicated).toBeGreaterThan(20);
    // Continuity: from the first to the last packet, every frame is a packet or a concealment; no gaps.
    expect(count(talk, 'silence')).toBe(0);
    // Order: played packets strictly increase.
    const played = talk.flatMap((h) => (h.out.kind === 'packet' ? [h.out.packet.index] : []));
    for (let i = 1; i < played.length; i++) expect(played[i]!).toBeGreaterThan(played[i - 1]!);
    // Loss: concealments ≈ network loss plus late loss; late loss bounded by 2%.
    const sent = net.sent;
    const lateRate = stats.late / sent;
    const concealRate = count(talk, 'conceal') / sent;
    const netLoss = net.lost / sent;
    expect(lateRate).toBeLessThanOrEqual(0.02);
    expect(concealRate).toBeLessThanOrEqual(netLoss + 0.03);
    expect(played.length).toBeGreaterThanOrEqual(sent * (1 - netLoss - 0.02));
    // Delay: mean time spent in the buffer, and mouth-to-ear minus the 30 ms base path delay.
    const meanDelay = delays.reduce((a, b) => a + b, 0) / delays.length - 30;
    expect(stats.meanWaitMs).toBeLessThanOrEqual(70);
    expect(meanDelay).toBeLessThanOrEqual(80);
    expect(stats.targetDelayMs).toBeGreaterThanOrEqual(30); // it did adapt to the 40 ms jitter
    expect(stats.targetDelayMs).toBeLessThanOrEqual(70);
    // Reported so regressions are visible in the log.
    console.log(
      JSON.stringify({
        scenario: 'jitter-buffer 60 s, 5% loss, 40 ms jitter, 2% dup, 2% reorder',
        sent,
        netLossPct: +(netLoss * 100).toFixed(2),
        latePct: +(lateRate * 100).toFixed(2),
        concealedPct: +(concealRate * 100).toFixed(2),
        meanWaitMs: +stats.meanWaitMs.toFixed(1),
        meanAddedDelayMs: +meanDelay.toFixed(1),
        targetDelayMs: +stats.targetDelayMs.toFixed(1),
        grown: stats.grown,
        shrunk: stats.shrunk,
      }),
    );
  });

  it('bounds the delay of a stream that never pauses: a lasting excess drops a speech frame now and then', () => {
    const r = simulate({ baseDelayMs: 20, jitterMs: 80 }, 30, 79, { changeAt: { second: 8, conditions: { baseDelayMs: 20 } } });
    expect(r.stats.shrunkSpeech).toBeGreaterThan(0);
    expect(r.stats.shrunkSpeech).toBeLessThanOrEqual(22 / 2 + 1); // at most one per 2 s
    const end = r.talk.slice(-100);
    expect(avg(end.map((h) => h.currentMs - h.targetMs))).toBeLessThanOrEqual(60 + 20);
  });

  it('adds little delay without jitter (≤ 40 ms mean beyond the path, a frame of it the playout clock phase) and conceals nothing', () => {
    const { talk, stats, delays } = simulate({ baseDelayMs: 30 }, 20, 5);
    const meanDelay = avg(delays) - 30;
    expect(count(talk, 'conceal')).toBe(0);
    expect(stats.late).toBe(0);
    expect(meanDelay).toBeLessThanOrEqual(40);
  });

  it('grows when jitter appears and shrinks back during silence when it goes away', () => {
    const calmThenBad = simulate({ baseDelayMs: 20 }, 30, 77, { changeAt: { second: 10, conditions: { baseDelayMs: 20, jitterMs: 60 } } });
    expect(calmThenBad.stats.grown).toBeGreaterThan(0);
    const calm = calmThenBad.talk.slice(100, 450);
    const jittery = calmThenBad.talk.slice(-300);
    expect(avg(calm.map((h) => h.targetMs))).toBeLessThan(25);
    expect(avg(jittery.map((h) => h.targetMs))).toBeGreaterThan(55);
    expect(avg(jittery.map((h) => h.currentMs))).toBeGreaterThan(avg(calm.map((h) => h.currentMs)) + 30);
    // Having grown in time, late loss during the jittery part stays small.
    expect(calmThenBad.stats.late / calmThenBad.net.sent).toBeLessThan(0.03);

    // Speech/silence alternating every 1 s (CN packets in silence); jitter goes away after 15 s.
    const badThenCalm = simulate({ baseDelayMs: 20, jitterMs: 60 }, 40, 78, { silenceEvery: 50, changeAt: { second: 15, conditions: { baseDelayMs: 20 } } });
    expect(badThenCalm.stats.shrunk).toBeGreaterThan(0);
    const before = badThenCalm.talk.slice(400, 700);
    const after = badThenCalm.talk.slice(-300);
    expect(avg(after.map((h) => h.currentMs))).toBeLessThan(avg(before.map((h) => h.currentMs)) - 30);
    // The shrinking happened in silence: every dropped packet was a comfort-noise packet.
    expect(badThenCalm.stats.shrunkSpeech).toBe(0);
  });
});

function avg(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
