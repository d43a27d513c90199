import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/fakes/fake-clock.js';
import { DisposableStore, toDisposable } from './disposable.js';
import { Emitter, once } from './event.js';
import { CryptoRng, randomToken } from './rng.js';
import { timingSafeEqualBytes, fromHex, toHex } from './bytes.js';

describe('base', () => {
  it('DisposableStore disposes in reverse order and only once', () => {
    const order: number[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push(1)));
    store.add(toDisposable(() => order.push(2)));
    store.dispose();
    store.dispose();
    expect(order).toEqual([2, 1]);
    store.add(toDisposable(() => order.push(3)));
    expect(order).toEqual([2, 1, 3]);
  });

  it('Emitter isolates faulty listeners and supports once()', async () => {
    const errors: unknown[] = [];
    const em = new Emitter<number>((e) => errors.push(e));
    const seen: number[] = [];
    em.event(() => {
      throw new Error('boom');
    });
    em.event((v) => seen.push(v));
    const next = once(em.event, (v) => v > 1);
    em.fire(1);
    em.fire(2);
    expect(await next).toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
  });

  it('FakeClock fires timers in due order and intervals repeatedly', () => {
    const clock = new FakeClock();
    const log: string[] = [];
    clock.setTimer(50, () => log.push('b'));
    clock.setTimer(10, () => log.push('a'));
    const iv = clock.setInterval(30, () => log.push('i'));
    clock.advance(100);
    expect(log).toEqual(['a', 'i', 'b', 'i', 'i']);
    iv.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('CryptoRng produces tokens and bytes of the requested size', () => {
    const rng = new CryptoRng();
    expect(rng.bytes(70000)).toHaveLength(70000);
    expect(randomToken(rng, 12)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(rng.uint32()).toBeGreaterThanOrEqual(0);
  });

  it('bytes helpers compare in constant time and round-trip hex', () => {
    expect(timingSafeEqualBytes(fromHex('0102'), fromHex('0102'))).toBe(true);
    expect(timingSafeEqualBytes(fromHex('0102'), fromHex('0103'))).toBe(false);
    expect(timingSafeEqualBytes(fromHex('01'), fromHex('0102'))).toBe(false);
    expect(toHex(fromHex('deadBEEF'))).toBe('deadbeef');
    expect(() => fromHex('zz')).toThrow(RangeError);
  });
});
