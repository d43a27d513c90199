/**
 * `softphone sdp-answer` with a fake CliIo over the SDES fixture offers: answers with masked keys,
 * the report in text and JSON, exit 1 on refusal and 2 on usage errors.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { sdpAnswer } from './sdp-answer.js';

const fixtures = fileURLToPath(new URL('../../protocol/sdes/fixtures/', import.meta.url));

function fakeIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (c: string) => (out += c) }, stderr: { write: (c: string) => (err += c) }, env: {}, cwd: fixtures, out: () => out, err: () => err };
}

const keysIn = (name: string): string[] => (readFileSync(`${fixtures}${name}`, 'utf8').match(/inline:([A-Za-z0-9+/=]+)/g) ?? []).map((k) => k.slice(7));

describe('softphone sdp-answer', () => {
  it('prints the answer with keys masked and the report; exit 0', async () => {
    const io = fakeIo();
    expect(await sdpAnswer(['freeswitch-savp-many-suites.sdp'], io)).toBe(0);
    const out = io.out();
    expect(out).toContain('m=audio 40000 RTP/SAVP');
    expect(out).toContain('a=crypto:3 AES_CM_256_HMAC_SHA1_80 inline:[REDACTED]');
    expect(out).toContain('chosen: tag 3 AES_CM_256_HMAC_SHA1_80');
    expect(out).toContain('AEAD_AES_256_GCM_8: unsupported-suite');
    expect(out).not.toMatch(/inline:[A-Za-z0-9+/]{8}/);
    for (const k of keysIn('freeswitch-savp-many-suites.sdp')) expect(out).not.toContain(k.slice(0, 12));
  });

  it('explains a refusal with 488; exit 1', async () => {
    const io = fakeIo();
    expect(await sdpAnswer(['polycom-only-weakened.sdp'], io)).toBe(1);
    expect(io.out()).toContain('Would refuse with SIP 488');
    expect(io.out()).toContain('UNENCRYPTED_SRTP turns off protection');
  });

  it('--policy optional accepts plain RTP and warns that media is not encrypted', async () => {
    const io = fakeIo();
    expect(await sdpAnswer(['asterisk-chan-sip-avp-no-crypto.sdp', '--policy', 'optional'], io)).toBe(0);
    expect(io.out()).toContain('WARNING [media-not-encrypted]');
    expect(io.out()).toContain('Media is NOT encrypted');
  });

  it('--transport udp refuses to put keys into SDP (mandatory: 488); --allow-insecure does it with a loud warning', async () => {
    const refused = fakeIo();
    expect(await sdpAnswer(['asterisk-pjsip-savp.sdp', '--transport', 'udp'], refused)).toBe(1);
    expect(refused.out()).toContain('not TLS');
    const allowed = fakeIo();
    expect(await sdpAnswer(['asterisk-pjsip-savp.sdp', '--transport', 'udp', '--allow-insecure'], allowed)).toBe(0);
    expect(allowed.out()).toContain('WARNING [keys-over-insecure-signalling]');
  });

  it('--json gives status, masked answer and the plain report', async () => {
    const io = fakeIo();
    expect(await sdpAnswer(['baresip-srtp-mand.sdp', '--json', '--suites', 'AES_CM_128_HMAC_SHA1_80'], io)).toBe(0);
    const body = JSON.parse(io.out()) as { status: number; answer: string; report: { outcome: string; media: { chosen: { tag: number } }[] } };
    expect(body.status).toBe(200);
    expect(body.answer).toContain('a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:[REDACTED]');
    expect(body.report.outcome).toBe('encrypted');
    expect(body.report.media[0]!.chosen.tag).toBe(2);
    const refused = fakeIo();
    expect(await sdpAnswer(['webrtc-dtls-srtp.sdp', '--json'], refused)).toBe(1);
    const r = JSON.parse(refused.out()) as { status: number; answer: null; report: { media: { reasonCode: string }[] } };
    expect(r.status).toBe(488);
    expect(r.answer).toBeNull();
    expect(r.report.media[0]!.reasonCode).toBe('dtls-srtp-not-supported');
  });

  it('usage errors exit 2: no file, unreadable file, bad option values', async () => {
    for (const args of [[], ['missing.sdp'], ['x.sdp', '--policy', 'sometimes'], ['x.sdp', '--transport', 'sctp'], ['x.sdp', '--suites', 'ROT13'], ['a.sdp', 'b.sdp'], ['x.sdp', '--frobnicate']]) {
      const io = fakeIo();
      expect(await sdpAnswer(args, io), args.join(' ')).toBe(2);
      expect(io.err()).toContain('softphone sdp-answer:');
    }
    const help = fakeIo();
    expect(await sdpAnswer(['--help'], help)).toBe(0);
    expect(help.out()).toContain('Usage: softphone sdp-answer');
  });
});
