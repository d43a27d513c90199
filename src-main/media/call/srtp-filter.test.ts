import { describe, expect, it } from 'vitest';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { serializeRtpPacket } from '../../protocol/rtp/index.js';
import { generateKey, type SrtpKeyBundle } from '../../protocol/sdes/index.js';
import { SrtpSession, type SrtpKeyParams, type SrtpSuiteName } from '../../protocol/srtp/index.js';
import { MAX_SRTP_STREAMS, SrtpFilter } from './srtp-filter.js';

const rng = new FakeRng(7);
const key = (suite: SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80'): SrtpKeyParams => generateKey(suite, rng).params;
const bundle = (send: SrtpKeyParams, receive: SrtpKeyParams): SrtpKeyBundle => ({ suite: send.suite, tag: 1, send, receive: [receive], replayWindowSize: 128 });

let seq = 1000;
function rtp(ssrc: number): Uint8Array {
  seq++;
  return serializeRtpPacket({ marker: false, payloadType: 0, sequenceNumber: seq & 0xffff, timestamp: seq * 160, ssrc, csrcs: [], payload: new Uint8Array(160).fill(0x55) });
}

/** Our filter and the peer's, with matching keys. */
function pairOf(suite: SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80'): { ours: SrtpFilter; theirs: SrtpFilter; kOurs: SrtpKeyParams; kTheirs: SrtpKeyParams } {
  const kOurs = key(suite);
  const kTheirs = key(suite);
  const ours = new SrtpFilter();
  const theirs = new SrtpFilter();
  ours.update(bundle(kOurs, kTheirs));
  theirs.update(bundle(kTheirs, kOurs));
  return { ours, theirs, kOurs, kTheirs };
}

function deliver(from: SrtpFilter, to: SrtpFilter, ssrc = 0x1111): number {
  const p = from.protectRtp(rtp(ssrc));
  if (p === undefined) throw new Error('protect failed');
  return to.unprotectRtp(Uint8Array.from(p));
}

describe('SrtpFilter', () => {
  it('passes plain RTP through untouched when no keys were negotiated', () => {
    const f = new SrtpFilter();
    const p = rtp(1);
    expect(f.protectRtp(p)).toBe(p);
    expect(f.unprotectRtp(p)).toBe(p.length);
    expect(f.active).toBe(false);
  });

  it.each(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM'] as const)('round-trips packets between two filters with swapped keys (%s)', (suite) => {
    const { ours, theirs } = pairOf(suite);
    const plain = rtp(0x2222);
    const protectedPacket = ours.protectRtp(plain)!;
    expect(protectedPacket.length).toBeGreaterThan(plain.length);
    const copy = Uint8Array.from(protectedPacket);
    const n = theirs.unprotectRtp(copy);
    expect(n).toBe(plain.length);
    expect(copy.subarray(0, n)).toEqual(plain);
  });

  it('counts a corrupted tag as an authentication failure and never throws', () => {
    const { ours, theirs } = pairOf();
    for (let i = 0; i < 5; i++) expect(deliver(ours, theirs)).toBeGreaterThan(0);
    const bad = Uint8Array.from(ours.protectRtp(rtp(0x1111))!);
    bad[bad.length - 1]! ^= 1;
    expect(theirs.unprotectRtp(bad)).toBeLessThan(0);
    expect(theirs.unprotectRtp(new Uint8Array(3))).toBeLessThan(0);
    expect(theirs.stats()).toMatchObject({ authFailures: 1, replays: 0 });
    expect(theirs.stats().otherFailures).toBeGreaterThanOrEqual(1);
  });

  it('counts a replayed packet', () => {
    const { ours, theirs } = pairOf();
    const p = ours.protectRtp(rtp(0x1111))!;
    expect(theirs.unprotectRtp(Uint8Array.from(p))).toBeGreaterThan(0);
    expect(theirs.unprotectRtp(Uint8Array.from(p))).toBeLessThan(0);
    expect(theirs.stats().replays).toBe(1);
  });

  it('re-keying keeps the old receive key until a packet under the new key arrives, and keeps the counters', () => {
    const kA = key();
    const kB = key();
    const a = new SrtpFilter();
    const b = new SrtpFilter();
    a.update(bundle(kA, kB));
    b.update(bundle(kB, kA));
    const bad = Uint8Array.from(a.protectRtp(rtp(0x1111))!);
    bad[bad.length - 1]! ^= 1;
    b.unprotectRtp(bad);
    expect(b.stats().authFailures).toBe(1);

    // B learns A's new key (A's re-offer) before A starts using it.
    const kA2 = key();
    expect(b.update(bundle(kB, kA2))).toBe('rekeyed');
    expect(b.update(bundle(kB, kA2))).toBe('unchanged');
    expect(b.stats().acceptsPreviousReceiveKey).toBe(true);
    expect(deliver(a, b), 'old-key packets still play').toBeGreaterThan(0);
    expect(b.lastUnderPreviousKey).toBe(true);

    // A switches: the first packet under the new key retires the old one.
    expect(a.update(bundle(kA2, kB))).toBe('rekeyed');
    expect(deliver(a, b)).toBeGreaterThan(0);
    expect(b.lastUnderPreviousKey).toBe(false);
    expect(b.stats()).toMatchObject({ acceptsPreviousReceiveKey: false, authFailures: 1, rekeys: 1 });
  });

  it('as answerer of a re-key, sends under its old key until the offerer uses its new one', () => {
    const kA = key();
    const kB = key();
    const a = new SrtpFilter();
    const now = 0;
    const b = new SrtpFilter(() => now, 2000);
    a.update(bundle(kA, kB));
    b.update(bundle(kB, kA));
    const kA2 = key();
    const kB2 = key();
    // B answers A's re-offer: new keys both ways, its own send switch deferred.
    expect(b.update(bundle(kB2, kA2), true)).toBe('rekeyed');
    expect(b.stats().sendKeyDeferred).toBe(true);
    // A has not processed the answer: it still has only the old keys, and B's packets still verify.
    expect(deliver(b, a)).toBeGreaterThan(0);
    expect(deliver(a, b)).toBeGreaterThan(0);
    // A applies the answer and sends under its new key; B sees it and switches.
    a.update(bundle(kA2, kB2));
    expect(deliver(b, a), 'A still accepts B under the old key').toBeGreaterThan(0);
    expect(deliver(a, b)).toBeGreaterThan(0);
    expect(b.stats().sendKeyDeferred).toBe(false);
    expect(deliver(b, a), 'B now sends under its new key').toBeGreaterThan(0);
    expect(a.stats().acceptsPreviousReceiveKey).toBe(false);
    expect(a.stats().authFailures + b.stats().authFailures).toBe(0);
  });

  it('a deferred send key takes effect after the deadline even if the offerer never sends', () => {
    let now = 0;
    const kA = key();
    const kB = key();
    const b = new SrtpFilter(() => now, 2000);
    b.update(bundle(kB, kA));
    const kB2 = key();
    b.update(bundle(kB2, key()), true);
    now = 1999;
    const a = new SrtpFilter();
    a.update(bundle(kA, kB));
    expect(deliver(b, a)).toBeGreaterThan(0);
    now = 2000;
    const late = Uint8Array.from(b.protectRtp(rtp(0x1111))!);
    expect(b.stats().sendKeyDeferred).toBe(false);
    expect(a.unprotectRtp(late), 'protected under the new key now').toBeLessThan(0);
  });

  it('stopping SRTP (a re-negotiation to plain RTP) keeps the counters', () => {
    const { ours, theirs } = pairOf();
    const bad = Uint8Array.from(ours.protectRtp(rtp(0x1111))!);
    bad[bad.length - 1]! ^= 1;
    theirs.unprotectRtp(bad);
    expect(theirs.update(undefined)).toBe('stopped');
    expect(theirs.active).toBe(false);
    expect(theirs.stats().authFailures).toBe(1);
  });

  it('reports no key material', () => {
    const { ours } = pairOf();
    expect(JSON.stringify(ours.stats())).not.toMatch(/masterKey|masterSalt/);
  });

  it('a peer holding the key cannot make us keep more than MAX_SRTP_STREAMS SSRC streams; refusals are counted and the first stream keeps playing', () => {
    const { ours, kOurs, kTheirs } = pairOf();
    // The peer's own sender is not capped (it is the one trying to make us hold streams).
    const peer = new SrtpSession({ send: kTheirs, receive: kOurs }, { maxStreams: 1000 });
    const send = (ssrc: number): number => {
      const p = peer.protectRtp(rtp(ssrc));
      if (!p.ok) throw new Error('protect failed');
      return ours.unprotectRtp(Uint8Array.from(p.value));
    };
    const results: number[] = [];
    for (let i = 0; i < MAX_SRTP_STREAMS + 40; i++) results.push(send(0x5000 + i));
    expect(results.slice(0, MAX_SRTP_STREAMS).every((n) => n > 0)).toBe(true);
    expect(results.slice(MAX_SRTP_STREAMS).every((n) => n < 0)).toBe(true);
    const st = ours.stats();
    expect(st.receiveStreams).toBe(MAX_SRTP_STREAMS);
    expect(st.streamLimitRefusals).toBe(40);
    expect(st.authFailures).toBe(0);
    expect(send(0x5000)).toBeGreaterThan(0);
  });
});
