import { createCipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSessionKeys } from './key-derivation.js';
import type { SrtpKeyParams } from './master-key.js';
import { SrtpContext, type KeyLifetimeEvent } from './srtp-context.js';
import { SRTP_STATUS } from './srtp-errors.js';
import { SRTP_SUITES, SRTP_SUITE_NAMES, type SrtpSuiteName } from './srtp-suite.js';
import { rtcpPacket, rtpPacket, testKeyParams } from './srtp-test-packets.js';

const SSRC = 0x11223344;

function pair(suite: SrtpSuiteName, extra: Partial<SrtpKeyParams> = {}, windowSize?: number): { tx: SrtpContext; rx: SrtpContext } {
  const params = testKeyParams(suite, 3, extra);
  const opts = windowSize === undefined ? {} : { replayWindowSize: windowSize };
  return { tx: new SrtpContext(params, opts), rx: new SrtpContext(params, opts) };
}

function protect(ctx: SrtpContext, pkt: Buffer): Buffer {
  const r = ctx.protectRtp(pkt);
  if (!r.ok) throw new Error(`protect failed: ${r.error.code}`);
  return r.value;
}

function unprotectCode(ctx: SrtpContext, pkt: Buffer): string {
  const r = ctx.unprotectRtp(Buffer.from(pkt));
  return r.ok ? 'ok' : r.error.code;
}

/**
 * Independent reference for the AES-CM + HMAC-SHA1 transform (RFC 3711 §3.3, §4.1.1, §4.2):
 * a fresh node:crypto AES-CTR cipher and HMAC per packet, with session keys from the KDF that the
 * RFC 3711 B.3 vector checks. The engine's batched keystream and hand-written HMAC must agree.
 */
function referenceProtect(params: SrtpKeyParams, pkt: Buffer, roc: number, hdrLen: number): Buffer {
  const s = SRTP_SUITES[params.suite];
  const keys = deriveSessionKeys(
    { masterKey: params.masterKey, masterSalt: params.masterSalt, encryptionKeyLength: s.keyLength, authenticationKeyLength: 20, saltLength: 14 },
    false,
    0,
  );
  const ssrc = pkt.readUInt32BE(8);
  const index = BigInt(roc) * 65536n + BigInt(pkt.readUInt16BE(2));
  const iv = Buffer.alloc(16);
  Buffer.from(keys.salt).copy(iv, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  const idx = Buffer.alloc(8);
  idx.writeBigUInt64BE(index << 16n);
  for (let i = 0; i < 8; i++) iv[8 + i] = iv[8 + i]! ^ idx[i]!;
  const c = createCipheriv(`aes-${s.keyLength * 8}-ctr`, keys.encryptionKey, iv);
  const enc = Buffer.concat([pkt.subarray(0, hdrLen), c.update(pkt.subarray(hdrLen)), c.final()]);
  const rocBuf = Buffer.alloc(4);
  rocBuf.writeUInt32BE(roc);
  const tag = createHmac('sha1', keys.authenticationKey).update(enc).update(rocBuf).digest().subarray(0, s.rtpTagLength);
  return Buffer.concat([enc, tag]);
}

describe('SrtpContext round trips', () => {
  for (const suite of SRTP_SUITE_NAMES) {
    it(`${suite}: protect then unprotect restores RTP packets of many sizes and header shapes`, () => {
      const { tx, rx } = pair(suite);
      for (let i = 0; i < 200; i++) {
        const payload = (i * 37) % 1400;
        const pkt = rtpPacket({ seq: 1000 + i, ssrc: SSRC, payload, csrcCount: i % 3, ...(i % 4 === 0 ? { extensionWords: i % 5 } : {}) });
        const srtp = protect(tx, pkt);
        expect(srtp.length).toBe(pkt.length + SRTP_SUITES[suite].rtpTagLength);
        const hdr = pkt.length - payload;
        // Header authenticated but in clear; payload encrypted.
        expect(srtp.subarray(0, hdr).equals(pkt.subarray(0, hdr))).toBe(true);
        if (payload >= 16) expect(srtp.subarray(hdr, pkt.length).equals(pkt.subarray(hdr))).toBe(false);
        const back = rx.unprotectRtp(Buffer.from(srtp));
        expect(back.ok && back.value.equals(pkt)).toBe(true);
      }
      expect(rx.stats().streams[0]).toMatchObject({ ssrc: SSRC, direction: 'inbound', rtpPackets: 200, authFailed: 0 });
    });

    it(`${suite}: SRTCP protect then unprotect restores compound RTCP and counts the index`, () => {
      const { tx, rx } = pair(suite);
      for (let i = 0; i < 50; i++) {
        const pkt = rtcpPacket(SSRC, (i * 13) % 200);
        const r = tx.protectRtcp(pkt);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.length).toBe(pkt.length + 4 + SRTP_SUITES[suite].rtcpTagLength);
        const eIdx = r.value.readUInt32BE(SRTP_SUITES[suite].transform === 'aes-gcm' ? pkt.length + 16 : pkt.length);
        expect(eIdx).toBe((0x80000000 | i) >>> 0);
        const back = rx.unprotectRtcp(Buffer.from(r.value));
        expect(back.ok && back.value.equals(pkt)).toBe(true);
      }
    });
  }

  for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AES_256_CM_HMAC_SHA1_80'] as const) {
    it(`${suite}: output equals an independent per-packet node:crypto AES-CTR + HMAC reference (batch and one-off keystream paths)`, () => {
      const params = testKeyParams(suite, 9);
      const tx = new SrtpContext(params);
      let seq = 65500;
      let roc = 0;
      // Sizes vary so that batches are refilled, slots outgrown and one-off keystream used.
      const sizes = [160, 160, 1200, 20, 160, 0, 1, 15, 16, 17, 1400, 160];
      for (let i = 0; i < 400; i++) {
        const size = sizes[i % sizes.length]!;
        const pkt = rtpPacket({ seq, ssrc: SSRC + (i % 2), payload: size, csrcCount: i % 2 });
        const ours = protect(tx, pkt);
        // Two SSRCs share one sequence here, so each stream sees every other number: still < 2^15 apart.
        const expected = referenceProtect(params, pkt, roc, 12 + (i % 2) * 4);
        if (!ours.equals(expected)) expect.fail(`packet ${i} (seq ${seq}, size ${size}) differs from the reference`);
        seq = (seq + 1) & 0xffff;
        if (seq === 0) roc++;
      }
    });
  }
});

describe('SrtpContext sequence wrap, replay and reordering (RFC 3711 §3.3.1, §3.3.2)', () => {
  for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AES_256_CM_HMAC_SHA1_80'] as const) {
    it(`${suite}: a stream starting at 65530 crosses the rollover and the ROC advances on both sides`, () => {
      const { tx, rx } = pair(suite);
      for (let i = 0; i < 20; i++) {
        const seq = (65530 + i) & 0xffff;
        const pkt = rtpPacket({ seq, ssrc: SSRC, payload: 160 });
        const back = rx.unprotectRtp(protect(tx, pkt));
        expect(back.ok && back.value.equals(pkt), `seq ${seq}`).toBe(true);
      }
      expect(tx.stats().streams[0]).toMatchObject({ roc: 1, highestSeq: 13 });
      expect(rx.stats().streams[0]).toMatchObject({ roc: 1, highestSeq: 13, rtpPackets: 20 });
    });
  }

  it('accepts packets reordered across the wrap within the window, rejects replays and too-old packets', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80', {}, 64);
    const sent = new Map<number, Buffer>();
    for (let i = 0; i < 300; i++) {
      const seq = (65400 + i) & 0xffff;
      sent.set(i, protect(tx, rtpPacket({ seq, ssrc: SSRC, payload: 80 })));
    }
    // Deliver in blocks of 8 reversed: every packet is late by at most 7.
    const order: number[] = [];
    for (let b = 0; b < 300; b += 8) for (let i = Math.min(299, b + 7); i >= b; i--) order.push(i);
    for (const i of order) expect(unprotectCode(rx, sent.get(i)!), `packet ${i}`).toBe('ok');
    // Every packet again: all replays.
    for (const i of [299, 298, 250]) expect(unprotectCode(rx, sent.get(i)!)).toBe('replayed');
    // Older than the window of 64.
    expect(unprotectCode(rx, sent.get(200)!)).toBe('too-old');
    const s = rx.stats().streams[0]!;
    expect(s).toMatchObject({ rtpPackets: 300, replayed: 3, tooOld: 1, roc: 1 });
  });

  it('SRTCP replays are rejected and counted', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80');
    const p = tx.protectRtcp(rtcpPacket(SSRC));
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(rx.unprotectRtcp(Buffer.from(p.value)).ok).toBe(true);
    const again = rx.unprotectRtcp(Buffer.from(p.value));
    expect(again.ok ? 'ok' : again.error.code).toBe('replayed');
  });

  it('refuses to protect the same index twice (keystream reuse) and counts it', () => {
    const { tx } = pair('AES_CM_128_HMAC_SHA1_80');
    const pkt = rtpPacket({ seq: 5, ssrc: SSRC, payload: 10 });
    expect(tx.protectRtp(pkt).ok).toBe(true);
    const again = tx.protectRtp(pkt);
    expect(again.ok ? 'ok' : again.error.code).toBe('replayed');
    expect(tx.stats().streams[0]?.replayed).toBe(1);
  });

  it('keeps independent ROC and replay state per SSRC under one key', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80');
    const a = protect(tx, rtpPacket({ seq: 65535, ssrc: 1, payload: 20 }));
    const b = protect(tx, rtpPacket({ seq: 100, ssrc: 2, payload: 20 }));
    const a2 = protect(tx, rtpPacket({ seq: 0, ssrc: 1, payload: 20 }));
    expect(unprotectCode(rx, a)).toBe('ok');
    expect(unprotectCode(rx, b)).toBe('ok');
    expect(unprotectCode(rx, a2)).toBe('ok');
    const streams = rx.stats().streams;
    expect(streams.find((s) => s.ssrc === 1)).toMatchObject({ roc: 1, highestSeq: 0 });
    expect(streams.find((s) => s.ssrc === 2)).toMatchObject({ roc: 0, highestSeq: 100 });
  });
});

describe('SrtpContext rejects damaged and hostile input without throwing', () => {
  for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_256_GCM'] as const) {
    it(`${suite}: corrupt tags and payloads fail authentication, are counted, and leave the buffer untouched`, () => {
      const { tx, rx } = pair(suite);
      const good = protect(tx, rtpPacket({ seq: 1, ssrc: SSRC, payload: 50 }));
      expect(unprotectCode(rx, protect(tx, rtpPacket({ seq: 0, ssrc: SSRC, payload: 50 })))).toBe('ok');
      for (const at of [0, 1, 8, 20, good.length - 1, good.length - 4]) {
        const bad = Buffer.from(good);
        bad[at] = bad[at]! ^ 0x01;
        const copy = Buffer.from(bad);
        const code = unprotectCode(rx, bad);
        // Flipping the version bits makes the header malformed; anything else fails authentication.
        expect(['auth-failed', 'malformed', 'ssrc-collision', 'too-old']).toContain(code);
        expect(bad.equals(copy)).toBe(true);
      }
      expect(unprotectCode(rx, good)).toBe('ok');
      const s = rx.stats();
      expect(s.streams[0]!.authFailed + s.unattributed.authFailed + s.streams[0]!.malformed + s.unattributed.malformed).toBe(6);
    });
  }

  it('truncated packets are malformed or fail authentication, at every length', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80');
    const good = protect(tx, rtpPacket({ seq: 1, ssrc: SSRC, payload: 40, extensionWords: 2 }));
    for (let len = 0; len < good.length; len++) {
      const code = unprotectCode(rx, good.subarray(0, len));
      expect(['malformed', 'auth-failed']).toContain(code);
    }
    const s = rx.stats();
    expect(s.unattributed.malformed + s.unattributed.authFailed).toBe(good.length);
  });

  it('any byte string given to every entry point yields a value or a status, never an exception', () => {
    const contexts = SRTP_SUITE_NAMES.map((suite) => new SrtpContext(testKeyParams(suite, 4)));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const ctx of contexts) {
          for (const op of ['unprotectRtpInPlace', 'unprotectRtcpInPlace'] as const) {
            const n = ctx[op](Buffer.from(bytes));
            expect(n === SRTP_STATUS['auth-failed'] || n === SRTP_STATUS.malformed || n === SRTP_STATUS['ssrc-collision']).toBe(true);
          }
          const p = ctx.protectRtp(bytes);
          const q = ctx.protectRtcp(bytes);
          expect(typeof p.ok).toBe('boolean');
          expect(typeof q.ok).toBe('boolean');
        }
      }),
      { numRuns: 300 },
    );
  });

  for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'] as const) {
    it(`${suite}: forged packets with far-ahead sequence numbers neither authenticate nor disturb the real stream`, () => {
      const { tx, rx } = pair(suite);
      const real: Buffer[] = [];
      for (let i = 0; i < 300; i++) real.push(protect(tx, rtpPacket({ seq: 1000 + i, ssrc: SSRC, payload: 160 })));
      for (let i = 0; i < 300; i++) {
        if (i % 10 === 5) {
          const forged = Buffer.from(real[i]!);
          forged.writeUInt16BE(30000 + i, 2);
          expect(unprotectCode(rx, forged)).toBe('auth-failed');
        }
        expect(unprotectCode(rx, real[i]!), `packet ${i}`).toBe('ok');
      }
      expect(rx.stats().streams[0]).toMatchObject({ rtpPackets: 300, authFailed: 30 });
    });
  }

  it('never unprotects a packet carrying one of its own sending SSRCs', () => {
    const { tx } = pair('AES_CM_128_HMAC_SHA1_80');
    const out = protect(tx, rtpPacket({ seq: 1, ssrc: SSRC, payload: 10 }));
    expect(unprotectCode(tx, out)).toBe('ssrc-collision');
  });

  it('caps the number of streams and counts the refusals', () => {
    const params = testKeyParams('AES_CM_128_HMAC_SHA1_80');
    const tx = new SrtpContext(params);
    const rx = new SrtpContext(params, { maxStreams: 2 });
    expect(unprotectCode(rx, protect(tx, rtpPacket({ seq: 1, ssrc: 1, payload: 10 })))).toBe('ok');
    expect(unprotectCode(rx, protect(tx, rtpPacket({ seq: 1, ssrc: 2, payload: 10 })))).toBe('ok');
    expect(unprotectCode(rx, protect(tx, rtpPacket({ seq: 1, ssrc: 3, payload: 10 })))).toBe('stream-limit');
    expect(rx.stats().unattributed.streamLimit).toBe(1);
  });
});

describe('SrtpContext MKI, key lifetime and key derivation rate', () => {
  it('selects the master key by MKI on receive and switches the sending key (RFC 3711 §3.1)', () => {
    const k1 = testKeyParams('AES_CM_128_HMAC_SHA1_80', 1, { mki: Uint8Array.of(0, 0, 0, 1) });
    const k2 = testKeyParams('AES_CM_128_HMAC_SHA1_80', 2, { mki: Uint8Array.of(0, 0, 0, 2) });
    const tx = new SrtpContext([k1, k2]);
    const rx = new SrtpContext([k1, k2]);
    const a = protect(tx, rtpPacket({ seq: 1, ssrc: SSRC, payload: 30 }));
    expect(a.subarray(a.length - 14, a.length - 10)).toEqual(Buffer.from([0, 0, 0, 1]));
    tx.setActiveKey(1);
    const b = protect(tx, rtpPacket({ seq: 2, ssrc: SSRC, payload: 30 }));
    expect(b.subarray(b.length - 14, b.length - 10)).toEqual(Buffer.from([0, 0, 0, 2]));
    expect(unprotectCode(rx, a)).toBe('ok');
    expect(unprotectCode(rx, b)).toBe('ok');
    const c = protect(tx, rtpPacket({ seq: 3, ssrc: SSRC, payload: 30 }));
    c[c.length - 11] = 9;
    expect(unprotectCode(rx, c)).toBe('unknown-mki');
    const rtcp = tx.protectRtcp(rtcpPacket(SSRC));
    expect(rtcp.ok && rx.unprotectRtcp(Buffer.from(rtcp.value)).ok).toBe(true);
  });

  it('MKI also works with AEAD (MKI after the tag, as libsrtp places it)', () => {
    const k = testKeyParams('AEAD_AES_128_GCM', 1, { mki: Uint8Array.of(7, 7) });
    const tx = new SrtpContext(k);
    const rx = new SrtpContext(k);
    const a = protect(tx, rtpPacket({ seq: 1, ssrc: SSRC, payload: 30 }));
    expect([...a.subarray(a.length - 2)]).toEqual([7, 7]);
    expect(unprotectCode(rx, a)).toBe('ok');
    const r = tx.protectRtcp(rtcpPacket(SSRC));
    expect(r.ok && rx.unprotectRtcp(Buffer.from(r.value)).ok).toBe(true);
  });

  it('enforces the master key lifetime on both sides and reports rekey-soon then expired', () => {
    const events: KeyLifetimeEvent[] = [];
    const k = testKeyParams('AES_CM_128_HMAC_SHA1_80', 1, { lifetime: 32 });
    const tx = new SrtpContext(k, { onKeyLifetime: (e) => events.push(e) });
    const rx = new SrtpContext(k);
    const packets: Buffer[] = [];
    for (let i = 0; i < 32; i++) packets.push(protect(tx, rtpPacket({ seq: i, ssrc: SSRC, payload: 10 })));
    expect(events).toEqual([{ keyIndex: 0, state: 'rekey-soon' }]);
    const over = tx.protectRtp(rtpPacket({ seq: 32, ssrc: SSRC, payload: 10 }));
    expect(over.ok ? 'ok' : over.error.code).toBe('key-expired');
    expect(events.at(-1)).toEqual({ keyIndex: 0, state: 'expired' });
    expect(tx.activeKeyState).toBe('expired');
    for (const p of packets) expect(unprotectCode(rx, p)).toBe('ok');
    const beyond = new SrtpContext(k);
    for (const p of packets) beyond.unprotectRtp(Buffer.from(p));
    // The receiver stops too once the key has been used `lifetime` times.
    const tx2 = new SrtpContext(testKeyParams('AES_CM_128_HMAC_SHA1_80', 1));
    const extra = protect(tx2, rtpPacket({ seq: 40, ssrc: SSRC, payload: 10 }));
    expect(unprotectCode(beyond, extra)).toBe('key-expired');
  });

  it('with a key derivation rate (KDR=2, rate 4) session keys change every 4 packets and still round-trip', () => {
    const withKdr = pair('AES_CM_128_HMAC_SHA1_80', { kdr: 2 });
    const without = pair('AES_CM_128_HMAC_SHA1_80');
    let identical = 0;
    for (let i = 0; i < 40; i++) {
      const seq = (65520 + i) & 0xffff;
      const pkt = rtpPacket({ seq, ssrc: SSRC, payload: 60 });
      const a = protect(withKdr.tx, pkt);
      const b = protect(without.tx, pkt);
      if (a.equals(b)) identical++;
      expect(unprotectCode(withKdr.rx, a)).toBe('ok');
      const r = withKdr.tx.protectRtcp(rtcpPacket(SSRC));
      expect(r.ok && withKdr.rx.unprotectRtcp(Buffer.from(r.value)).ok).toBe(true);
    }
    // r = index DIV 4 is 0 only for indices 0..3, which this stream never uses.
    expect(identical).toBe(0);
  });

  it('KDR=0 means a rate of 2^0 = 1 (re-derive per packet), unlike an absent KDR', () => {
    const a = pair('AES_CM_128_HMAC_SHA1_80', { kdr: 0 });
    const b = pair('AES_CM_128_HMAC_SHA1_80');
    const pkt = rtpPacket({ seq: 1, ssrc: SSRC, payload: 20 });
    expect(protect(a.tx, pkt).equals(protect(b.tx, pkt))).toBe(false);
    const pkt0 = rtpPacket({ seq: 0, ssrc: 9, payload: 20 });
    // Index 0: r = 0 either way, so both derive the same keys.
    expect(protect(a.tx, pkt0).equals(protect(b.tx, pkt0))).toBe(true);
  });

  it('rejects invalid key parameters as programming errors', () => {
    expect(() => new SrtpContext({ ...testKeyParams('AES_CM_128_HMAC_SHA1_80'), masterKey: new Uint8Array(15) })).toThrow(RangeError);
    expect(() => new SrtpContext([testKeyParams('AES_CM_128_HMAC_SHA1_80'), testKeyParams('AES_CM_128_HMAC_SHA1_80', 2)])).toThrow(RangeError);
    expect(() => new SrtpContext([])).toThrow(RangeError);
  });

  it('never exposes key material through JSON or stats', () => {
    const k = testKeyParams('AES_CM_128_HMAC_SHA1_80', 5);
    const ctx = new SrtpContext(k);
    protect(ctx, rtpPacket({ seq: 1, ssrc: SSRC, payload: 10 }));
    const text = JSON.stringify([ctx, ctx.stats()]);
    const keyHex = Buffer.from(k.masterKey).toString('hex');
    expect(text).not.toContain(keyHex);
    expect(text).not.toContain(Buffer.from(k.masterKey).toString('base64'));
    expect(text).not.toContain(JSON.stringify(Array.from(k.masterKey)).slice(1, -1));
  });
});
