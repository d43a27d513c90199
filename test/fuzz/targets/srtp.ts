/**
 * SRTP/SRTCP unprotect (RFC 3711 §3.3, §3.4; RFC 7714 AES-GCM), two ways:
 *  - `srtp`: mutated protected packets reach unprotect as a stranger's would. Almost all fail
 *    authentication: the property is a typed status, the buffer untouched on failure, and a packet
 *    that does pass decrypts to one the RTP/RTCP parser reads or refuses with a typed error.
 *  - `srtp-authenticated`: the mutation is applied to the plaintext (header and payload), which is
 *    then protected with the test key, so every input passes the tag and reaches decryption and the
 *    parsers behind it: unprotect must give back exactly the plaintext.
 * Input layout for both: octet 0 picks the suite (bits 1–2) and RTP or RTCP (bit 0); the rest is
 * the packet.
 */
import { parseRtpPacket } from '../../../src-main/protocol/rtp/rtp-packet.js';
import { parseTelephoneEvents } from '../../../src-main/protocol/rtp/telephone-event.js';
import { parseComfortNoise } from '../../../src-main/protocol/rtp/comfort-noise.js';
import { SrtpContext } from '../../../src-main/protocol/srtp/srtp-context.js';
import type { SrtpErrorCode } from '../../../src-main/protocol/srtp/srtp-errors.js';
import type { SrtpSuiteName } from '../../../src-main/protocol/srtp/srtp-suite.js';
import { testKeyParams } from '../../../src-main/protocol/srtp/srtp-test-packets.js';
import { corpusSeeds } from '../corpus-files.js';
import type { Rand } from '../rand.js';
import { assert, assertEqual, fail, type FuzzTarget } from '../target.js';
import { checkRtcp, checkRtp } from './media.js';

export const SRTP_FUZZ_SUITES: readonly SrtpSuiteName[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AES_256_CM_HMAC_SHA1_80'];
const CODES: ReadonlySet<SrtpErrorCode> = new Set<SrtpErrorCode>(['malformed', 'auth-failed', 'replayed', 'too-old', 'unknown-mki', 'key-expired', 'stream-limit', 'ssrc-collision', 'buffer-too-small']);

/** The test key of every fuzzed suite (seed 7: test data, not a secret). */
export function fuzzKey(suite: SrtpSuiteName): ReturnType<typeof testKeyParams> {
  return testKeyParams(suite, 7);
}

function split(input: Uint8Array): { suite: SrtpSuiteName; rtcp: boolean; packet: Uint8Array } {
  const sel = input[0] ?? 0;
  return { suite: SRTP_FUZZ_SUITES[(sel >> 1) & 3]!, rtcp: (sel & 1) === 1, packet: input.subarray(1) };
}

/** Receivers that live for a while, so state (replay windows, streams, ROC) is exercised too. */
const receivers = new Map<SrtpSuiteName, { ctx: SrtpContext; uses: number }>();

function receiver(suite: SrtpSuiteName): SrtpContext {
  let e = receivers.get(suite);
  if (e === undefined || e.uses >= 512) {
    e?.ctx.dispose();
    e = { ctx: new SrtpContext(fuzzKey(suite), { maxStreams: 8 }), uses: 0 };
    receivers.set(suite, e);
  }
  e.uses++;
  return e.ctx;
}

/** What a decrypted packet reaches next: the RTP/RTCP parsers and the payload parsers. */
function afterDecrypt(plain: Uint8Array, rtcp: boolean): void {
  if (rtcp) {
    checkRtcp(plain);
    return;
  }
  checkRtp(plain);
  const p = parseRtpPacket(plain);
  if (p.ok && p.value.payloadType >= 96) void parseTelephoneEvents(p.value.payload);
  if (p.ok && p.value.payloadType === 13) void parseComfortNoise(p.value.payload);
}

function checkStranger(input: Uint8Array): void {
  const { suite, rtcp, packet } = split(input);
  const ctx = receiver(suite);
  const buf = Buffer.from(packet);
  const r = rtcp ? ctx.unprotectRtcp(buf) : ctx.unprotectRtp(buf);
  if (!r.ok) {
    assert(CODES.has(r.error.code), () => `untyped SRTP error ${r.error.code}`);
    assert(buf.equals(packet), 'a refused packet was modified in place');
    return;
  }
  assert(r.value.length <= packet.length, 'unprotect grew the packet');
  afterDecrypt(r.value, rtcp);
}

export const srtpTarget: FuzzTarget = {
  name: 'srtp',
  description: 'SRTP/SRTCP unprotect of mutated protected packets (RFC 3711, RFC 7714): typed status, buffer untouched on failure',
  seeds: () => corpusSeeds('srtp'),
  mutator: { maxLength: 1500 },
  check: checkStranger,
};

function checkAuthenticated(input: Uint8Array, r: Rand): void {
  const { suite, rtcp, packet } = split(input);
  // Fresh contexts: the replay window never refuses what this input protects.
  const key = fuzzKey(suite);
  const tx = new SrtpContext(key);
  const rx = new SrtpContext(key);
  try {
    const sent = rtcp ? tx.protectRtcp(packet) : tx.protectRtp(packet);
    if (!sent.ok) {
      assert(CODES.has(sent.error.code), () => `untyped SRTP protect error ${sent.error.code}`);
      return;
    }
    // Sometimes a second packet of the same stream (next sequence number, across the wrap too), so
    // the receiver's rollover estimate and replay window work on state. Unprotected in sending order.
    let second: Buffer | undefined;
    if (r.oneIn(4) && !rtcp && packet.length >= 12) {
      const next = Buffer.from(packet);
      next.writeUInt16BE((next.readUInt16BE(2) + 1) & 0xffff, 2);
      const s2 = tx.protectRtp(next);
      if (s2.ok) second = Buffer.from(s2.value);
    }
    const wire = Buffer.from(sent.value);
    const back = rtcp ? rx.unprotectRtcp(wire) : rx.unprotectRtp(wire);
    if (!back.ok) fail(`a packet protected with the key did not unprotect: ${back.error.code}`);
    if (second !== undefined) {
      const back2 = rx.unprotectRtp(second);
      if (!back2.ok) fail(`the next packet of the stream did not unprotect: ${back2.error.code}`);
    }
    assertEqual(back.value, packet, 'unprotect(protect(p)) !== p');
    afterDecrypt(back.value, rtcp);
  } finally {
    tx.dispose();
    rx.dispose();
  }
}

export const srtpAuthenticatedTarget: FuzzTarget = {
  name: 'srtp-authenticated',
  description: 'SRTP/SRTCP behind authentication: mutated plaintext protected with the test key, so it passes the tag and reaches decrypt and parse',
  seeds: () => corpusSeeds('srtp-authenticated'),
  mutator: { maxLength: 1500 },
  check: checkAuthenticated,
};
