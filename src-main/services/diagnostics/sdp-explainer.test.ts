import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { CryptoRng } from '../../base/rng.js';
import { ExplainSdpSchema, SdpExplanationSchema } from '../../../src-shared/model/diagnostics.js';
import { explainSdp } from './sdp-explainer.js';

const KEY = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
const offer = (profile: string, crypto: string[]): string =>
  ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', `m=audio 5004 ${profile} 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', ...crypto, ''].join('\n');

function explain(input: Record<string, unknown>) {
  const r = explainSdp(v.parse(ExplainSdpSchema, input), new CryptoRng());
  expect(v.safeParse(SdpExplanationSchema, r).success).toBe(true);
  return r;
}

describe('SDP check (the negotiator on a pasted offer, RFC 3264 + RFC 4568)', () => {
  it('an SDES offer over TLS: answered with the first acceptable suite, lines judged, our keys masked, theirs never echoed', () => {
    const r = explain({ sdp: offer('RTP/SAVP', [`a=crypto:1 F8_128_HMAC_SHA1_80 inline:${KEY}`, `a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`]) });
    expect(r.status).toBe('answer');
    expect(r.summary).toContain('AES_CM_128_HMAC_SHA1_80');
    expect(r.streams[0]).toMatchObject({ media: 'audio', encrypted: true, suite: 'AES_CM_128_HMAC_SHA1_80', reason: 'srtp-negotiated' });
    expect(r.streams[0]!.offered.map((l) => [l.tag, l.verdict, l.chosen])).toEqual([
      [1, 'unsupported-suite', false],
      [2, 'chosen', true],
    ]);
    expect(r.answer).toMatch(/a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:\[masked\]/);
    expect(JSON.stringify(r)).not.toContain(KEY);
  });

  it('the same offer over UDP: keys are not accepted on a plaintext hop, so mandatory SRTP refuses with 488', () => {
    const r = explain({ sdp: offer('RTP/SAVP', [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`]), transport: 'udp' });
    expect(r).toMatchObject({ status: 'refused', statusCode: 488, answer: null });
    expect(r.summary).toMatch(/^We would refuse the call with 488/);
  });

  it('plain RTP with SRTP optional: answered unencrypted, and says why', () => {
    const r = explain({ sdp: offer('RTP/AVP', []), policy: 'optional' });
    expect(r.status).toBe('answer');
    expect(r.streams[0]?.encrypted).toBe(false);
    expect(r.summary).toContain('NOT be encrypted');
  });

  it('text that is not SDP: refused with 400 and a problem in words', () => {
    const r = explain({ sdp: 'hello world' });
    expect(r).toMatchObject({ status: 'refused', statusCode: 400, problem: { code: 'invalid-value' } });
    expect(r.problem?.message).toMatch(/^The SDP offer cannot be read/);
  });
});
