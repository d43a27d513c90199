import { describe, expect, it } from 'vitest';
import type { Clock } from '../../base/clock.js';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { ClockPacedCapture, ClockPacedPlayback, FramePacer } from './clock-paced-streams.js';

const opts = (deviceId: string) => ({ deviceId, sampleRate: 8000, frameSamples: 160 }); // 20 ms

describe('FramePacer: one phase-locked period for every clock-paced stream', () => {
  it('serves all streams of a clock with one timer, playback before capture in each tick', () => {
    const clock = new FakeClock();
    const order: string[] = [];
    const capA = new ClockPacedCapture(clock, opts('a'), () => order.push('capture a'));
    const playA = new ClockPacedPlayback(clock, opts('a'), () => order.push('play a'));
    const capB = new ClockPacedCapture(clock, opts('b'), () => order.push('capture b'));
    const playB = new ClockPacedPlayback(clock, opts('b'), () => order.push('play b'));
    for (const s of [capA, playA]) s.start();
    clock.advance(7); // the second call starts mid-period: it joins the next boundary
    for (const s of [capB, playB]) s.start();
    expect(clock.pendingTimers).toBe(1);
    expect(FramePacer.for(clock, 20).members).toBe(4);
    clock.advance(13); // t=20: the first boundary; b started at 20, nothing due for it yet
    expect(order).toEqual(['play a', 'capture a']);
    order.length = 0;
    clock.advance(20); // t=40
    expect(order).toEqual(['play a', 'play b', 'capture a', 'capture b']);
    expect(capB.stats()).toMatchObject({ frames: 1, startedAt: 20 });
    expect(capA.stats()).toMatchObject({ frames: 2, startedAt: 0 });
    for (const s of [capA, playA, capB]) s.dispose();
    expect(clock.pendingTimers).toBe(1);
    playB.dispose();
    expect(clock.pendingTimers).toBe(0); // no timer without streams
    expect(FramePacer.for(clock, 20).members).toBe(0);
  });

  it('keeps its phase when every tick fires late (no drift, exact long-run rate)', () => {
    const fake = new FakeClock();
    const fired: number[] = [];
    // Every timer fires 3 ms after it was due, like a loaded event loop.
    const lateClock: Clock = {
      now: () => fake.now(),
      monotonic: () => fake.monotonic(),
      setTimer: (ms, cb) => fake.setTimer(ms + 3, () => {
        fired.push(fake.monotonic());
        cb();
      }),
      setInterval: (ms, cb) => fake.setInterval(ms, cb),
    };
    const cap = new ClockPacedCapture(lateClock, opts('x'), () => undefined);
    cap.start();
    fake.advance(10_000);
    // A drifting interval would have fired 10000/23 ≈ 434 times; phase-locked ticks stay at 20k + 3
    // (the 500th boundary, 10 000, is served at 10 003: after this window).
    expect(fired.slice(0, 3)).toEqual([23, 43, 63]);
    expect(fired.length).toBe(499);
    expect(cap.stats()).toMatchObject({ frames: 499, glitches: 0 });
    cap.dispose();
  });

  it('gives each clock and frame duration its own period', () => {
    const clock = new FakeClock();
    const twenty = new ClockPacedCapture(clock, opts('a'), () => undefined);
    const ten = new ClockPacedCapture(clock, { deviceId: 'b', sampleRate: 8000, frameSamples: 80 }, () => undefined);
    const other = new FakeClock();
    const elsewhere = new ClockPacedCapture(other, opts('c'), () => undefined);
    for (const s of [twenty, ten, elsewhere]) s.start();
    expect(clock.pendingTimers).toBe(2);
    expect(other.pendingTimers).toBe(1);
    clock.advance(100);
    expect(twenty.stats().frames).toBe(5);
    expect(ten.stats().frames).toBe(10);
    expect(elsewhere.stats().frames).toBe(0);
    for (const s of [twenty, ten, elsewhere]) s.dispose();
    expect(clock.pendingTimers + other.pendingTimers).toBe(0);
  });

  it('restarts on a fresh phase after every stream left', () => {
    const clock = new FakeClock();
    const first = new ClockPacedCapture(clock, opts('a'), () => undefined);
    first.start();
    clock.advance(30);
    first.dispose();
    clock.advance(5); // t=35
    const second = new ClockPacedCapture(clock, opts('b'), () => undefined);
    second.start();
    expect(second.stats()).toMatchObject({ startedAt: 35 });
    clock.advance(20);
    expect(second.stats().frames).toBe(1);
    second.dispose();
  });
});

describe('FramePacer with early host timers', () => {
  it('serves a boundary\'s frames even when the timer runs slightly before it (no one-frame hiccups)', () => {
    const fake = new FakeClock();
    // Every timer fires 0.6 ms early, as Node's whole-millisecond loop time allows.
    const earlyClock: Clock = {
      now: () => fake.now(),
      monotonic: () => fake.monotonic(),
      setTimer: (ms, cb) => fake.setTimer(Math.max(0, ms - 0.6), cb),
      setInterval: (ms, cb) => fake.setInterval(ms, cb),
    };
    const sent: number[] = [];
    const cap = new ClockPacedCapture(earlyClock, opts('x'), () => sent.push(fake.monotonic()));
    cap.start();
    fake.advance(1000);
    // One frame per tick, each at its boundary (less 0.6 ms): never two frames in one tick.
    expect(sent).toHaveLength(50);
    const gaps = sent.slice(1).map((t, i) => +(t - sent[i]!).toFixed(3));
    expect(new Set(gaps)).toEqual(new Set([20]));
    cap.dispose();
  });
});
