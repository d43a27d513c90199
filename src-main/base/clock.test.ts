import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TIMER_DELAY_MS, SystemClock } from './clock.js';

const disposables: { dispose(): void }[] = [];
afterEach(() => {
  for (const d of disposables.splice(0)) d.dispose();
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(() => r(), ms));

describe('SystemClock with the real timers (issue 15: no timer fires early)', () => {
  it('a delay above 2^31−1 ms does not fire after 1 ms as Node’s setTimeout would; nor does Infinity', async () => {
    const clock = new SystemClock();
    let fired = 0;
    disposables.push(clock.setTimer(MAX_TIMER_DELAY_MS + 1, () => fired++));
    disposables.push(clock.setTimer(2 ** 40, () => fired++));
    disposables.push(clock.setTimer(Infinity, () => fired++));
    const overLong = 2 ** 33;
    disposables.push(clock.setInterval(overLong, () => fired++));
    await sleep(60);
    expect(fired).toBe(0);
  });

  it('a long delay is armed in pieces against a monotonic deadline and fires once, not before it is due', async () => {
    const clock = new SystemClock({ maxDelayMs: 20 });
    const start = performance.now();
    const at = await new Promise<number>((resolve) => disposables.push(clock.setTimer(75, () => resolve(performance.now()))));
    expect(at - start).toBeGreaterThanOrEqual(74);
  });

  it('a split timer and a split interval can be cancelled between pieces', async () => {
    const clock = new SystemClock({ maxDelayMs: 10 });
    let fired = 0;
    const t = clock.setTimer(40, () => fired++);
    const i = clock.setInterval(30, () => fired++);
    await sleep(15);
    t.dispose();
    i.dispose();
    await sleep(60);
    expect(fired).toBe(0);
  });

  it('a split interval keeps its period', async () => {
    const clock = new SystemClock({ maxDelayMs: 10 });
    const times: number[] = [];
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const i = clock.setInterval(25, () => {
        times.push(performance.now() - start);
        if (times.length === 3) {
          i.dispose();
          resolve();
        }
      });
      disposables.push(i);
    });
    expect(times[0]).toBeGreaterThanOrEqual(24);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(48);
  });

  it('NaN counts as no delay', async () => {
    const clock = new SystemClock();
    const fired = await new Promise<boolean>((resolve) => disposables.push(clock.setTimer(Number.NaN, () => resolve(true))));
    expect(fired).toBe(true);
  });
});
