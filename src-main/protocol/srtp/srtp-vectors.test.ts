import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../base/bytes.js';
import { AesBlockCipher } from './aes-block.js';
import { aesF8Keystream } from './aes-f8.js';
import { gcmOpenInPlace, gcmSealInPlace } from './aead-gcm.js';
import { GhashKey } from './ghash.js';
import { CmKeystream } from './cm-keystream.js';
import { aesCmPrf, deriveSessionKeys, prfInput } from './key-derivation.js';
import { SrtpContext } from './srtp-context.js';
import type { SrtpSuiteName } from './srtp-suite.js';

const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/vectors/srtp/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

interface KeystreamVector {
  source: string;
  session_key: string;
  session_salt_shifted: string;
  keystream_segment_blocks: number;
  blocks: { counter: string; keystream: string }[];
}
interface PrfVector {
  source: string;
  master_key: string;
  master_salt: string;
  prf_inputs: { cipher_key: string; auth_key: string; cipher_salt: string };
  cipher_key: string;
  cipher_salt: string;
  auth_key_as_listed: string;
  auth_key_as_listed_octets: number;
  hmac_sha1_auth_key_20_octets: string;
}

function checkKeystream(v: KeystreamVector): void {
  const aes = new AesBlockCipher(fromHex(v.session_key));
  // SSRC 0 and index 0: the IV is exactly the shifted salt, so the stream's counters are the vector's.
  const salt = fromHex(v.session_salt_shifted).subarray(0, 14);
  const ks = new CmKeystream(aes, salt, 0);
  const at = ks.prepare(0, v.keystream_segment_blocks);
  for (const b of v.blocks) {
    const j = parseInt(b.counter.slice(-6), 16) - parseInt(v.session_salt_shifted.slice(-6), 16);
    expect(toHex(ks.buffer.subarray(at + j * 16, at + j * 16 + 16)), `${v.source} block ${b.counter}`).toBe(b.keystream);
  }
}

function checkPrf(v: PrfVector): void {
  const masterKey = fromHex(v.master_key);
  const masterSalt = fromHex(v.master_salt);
  expect(toHex(prfInput(masterSalt, 0, 0))).toBe(v.prf_inputs.cipher_key.slice(0, 28));
  expect(toHex(prfInput(masterSalt, 1, 0))).toBe(v.prf_inputs.auth_key.slice(0, 28));
  expect(toHex(prfInput(masterSalt, 2, 0))).toBe(v.prf_inputs.cipher_salt.slice(0, 28));
  const keys = deriveSessionKeys(
    { masterKey, masterSalt, encryptionKeyLength: masterKey.length, authenticationKeyLength: 20, saltLength: 14 },
    false,
    0,
  );
  expect(toHex(keys.encryptionKey)).toBe(v.cipher_key);
  expect(toHex(keys.salt)).toBe(v.cipher_salt);
  expect(toHex(keys.authenticationKey)).toBe(v.hmac_sha1_auth_key_20_octets);
  const listed = aesCmPrf(new AesBlockCipher(masterKey), prfInput(masterSalt, 1, 0), v.auth_key_as_listed_octets);
  expect(toHex(listed)).toBe(v.auth_key_as_listed);
}

describe('RFC 3711 Appendix B vectors', () => {
  it('B.1: AES-f8 keystream encrypts the RFC plaintext to the RFC ciphertext', () => {
    const v = (load('rfc3711-B1-aes-f8.json').vectors as Record<string, string>[])[0]!;
    const plaintext = fromHex(v.rtp_payload!);
    const ks = aesF8Keystream(fromHex(v.key!), fromHex(v.salt_key!), fromHex(v.iv!), plaintext.length);
    expect(toHex(plaintext.map((b, i) => b ^ ks[i]!))).toBe(v.ciphertext);
  });

  it('B.2: AES-CM keystream segment (first and last blocks) from the batch keystream generator', () => {
    checkKeystream((load('rfc3711-B2-aes-cm-keystream.json').vectors as KeystreamVector[])[0]!);
  });

  it('B.3: key derivation with the AES-CM PRF gives the RFC session key, salt and auth key', () => {
    checkPrf((load('rfc3711-B3-key-derivation.json').vectors as PrfVector[])[0]!);
  });
});

describe('RFC 6188 vectors (AES-192/256)', () => {
  const vectors = load('rfc6188-aes192-256-cm-and-prf.json').vectors as (KeystreamVector & PrfVector)[];
  for (const v of vectors) {
    it(`${v.source}`, () => {
      if ('session_key' in v) checkKeystream(v);
      else checkPrf(v);
    });
  }
});

interface GcmVector {
  source: string;
  kind: 'srtp-encrypt' | 'srtp-tag-only' | 'srtcp-encrypt' | 'srtcp-tag-only';
  key: string;
  salt: string;
  iv: string;
  aad: string;
  plaintext: string;
  tag: string;
  output_packet: string;
  input_rtp_packet?: string;
  input_rtcp_packet?: string;
  srtcp_index?: string;
}

describe('RFC 7714 vectors (AEAD AES-GCM)', () => {
  const file = load('rfc7714-aead-aes-gcm.json');
  const vectors = file.vectors as GcmVector[];
  const common = file.common as Record<string, string>;

  function vectorContext(v: GcmVector): SrtpContext {
    const key = fromHex(v.key);
    const salt = fromHex(v.salt);
    const suite: SrtpSuiteName = key.length === 16 ? 'AEAD_AES_128_GCM' : 'AEAD_AES_256_GCM';
    const sessionKeys = { encryptionKey: key, authenticationKey: new Uint8Array(0), salt };
    return new SrtpContext(
      { suite, masterKey: new Uint8Array(key.length), masterSalt: new Uint8Array(12) },
      { fixedSessionKeysForVectors: { rtp: sessionKeys, rtcp: sessionKeys } },
    );
  }

  it('the GCM keystream layout puts the RFC IVs in the counter blocks (J0 = IV || 1)', () => {
    const key = fromHex(vectors[0]!.key);
    const salt = fromHex(common.salt!);
    const aes = new AesBlockCipher(key);
    const j0 = (iv: string): string => toHex(aes.encryptBlocks(fromHex(`${iv}00000001`)));
    const rtp = new CmKeystream(aes, salt, 0x5501a0b2, 'gcm-srtp');
    const at = rtp.prepare(0xf17b, 1);
    expect(toHex(rtp.buffer.subarray(at, at + 16))).toBe(j0(common.rtp_iv!));
    const rtcp = new CmKeystream(aes, salt, 0x4d617273, 'gcm-srtcp');
    const at2 = rtcp.prepare(0x5d4, 1);
    expect(toHex(rtcp.buffer.subarray(at2, at2 + 16))).toBe(j0(common.rtcp_iv!));
  });

  for (const v of vectors.filter((x) => x.kind === 'srtp-encrypt')) {
    it(`${v.source}: the SRTP engine protects to the RFC packet and unprotects it back`, () => {
      const protectCtx = vectorContext(v);
      const out = protectCtx.protectRtp(fromHex(v.input_rtp_packet!));
      expect(out.ok && toHex(out.value)).toBe(v.output_packet);
      const rx = vectorContext(v);
      const back = rx.unprotectRtp(Buffer.from(fromHex(v.output_packet)));
      expect(back.ok && toHex(back.value)).toBe(v.input_rtp_packet);
    });
  }

  for (const v of vectors.filter((x) => x.kind === 'srtp-tag-only')) {
    it(`${v.source}: GCM with the whole packet as AAD gives the RFC tag (and verifies it)`, () => {
      const aes = new AesBlockCipher(fromHex(v.key));
      const ghash = new GhashKey(aes.encryptBlocks(new Uint8Array(16)));
      const ks = new CmKeystream(aes, fromHex(v.salt), 0x5501a0b2, 'gcm-srtp');
      const at = ks.prepare(0xf17b, 1);
      const packet = fromHex(v.aad);
      const data = new Uint8Array(packet.length + 16);
      data.set(packet);
      gcmSealInPlace(ghash, ks.buffer, at, data, packet.length, packet.length);
      expect(toHex(data)).toBe(v.output_packet);
      expect(gcmOpenInPlace(ghash, ks.buffer, at, data, packet.length, packet.length)).toBe(true);
      data[3] = data[3]! ^ 1;
      expect(gcmOpenInPlace(ghash, ks.buffer, at, data, packet.length, packet.length)).toBe(false);
    });
  }

  for (const v of vectors.filter((x) => x.kind === 'srtcp-encrypt')) {
    it(`${v.source}: the SRTCP engine protects packet index 0x5d4 to the RFC packet and unprotects it`, () => {
      const tx = vectorContext(v);
      const input = fromHex(v.input_rtcp_packet!);
      const index = parseInt(v.srtcp_index!, 16);
      // The SRTCP index starts at 0 and counts packets (RFC 3711 §3.4): send index-1 packets first.
      for (let i = 0; i < index; i++) expect(tx.protectRtcp(input).ok).toBe(true);
      const out = tx.protectRtcp(input);
      expect(out.ok && toHex(out.value)).toBe(v.output_packet);
      const back = vectorContext(v).unprotectRtcp(Buffer.from(fromHex(v.output_packet)));
      expect(back.ok && toHex(back.value)).toBe(v.input_rtcp_packet);
    });
  }

  for (const v of vectors.filter((x) => x.kind === 'srtcp-tag-only')) {
    it(`${v.source}: the SRTCP engine accepts the RFC unencrypted (E = 0) packet and rejects it altered`, () => {
      const back = vectorContext(v).unprotectRtcp(Buffer.from(fromHex(v.output_packet)));
      expect(back.ok && toHex(back.value)).toBe(v.input_rtcp_packet);
      const altered = Buffer.from(fromHex(v.output_packet));
      altered[10] = altered[10]! ^ 1;
      const rejected = vectorContext(v).unprotectRtcp(altered);
      expect(rejected.ok ? 'accepted' : rejected.error.code).toBe('auth-failed');
    });
  }
});
