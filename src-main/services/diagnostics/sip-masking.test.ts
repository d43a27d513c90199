import { describe, expect, it } from 'vitest';
import { MASK, maskSipText } from './sip-masking.js';

const KEY = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
const RESPONSE = '6629fae49393a05397450978507c4ef1';
const CNONCE = '0a4f113b';

function register(authHeader: string, inline = 'inline'): string {
  return [
    'INVITE sips:bob@pbx.example.com SIP/2.0',
    `${authHeader}: Digest username="alice", realm="pbx.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sips:bob@pbx.example.com", response="${RESPONSE}", algorithm=MD5, cnonce="${CNONCE}", qop=auth, nc=00000001`,
    'Content-Type: application/sdp',
    '',
    'v=0',
    'm=audio 4000 RTP/SAVP 0',
    `a=crypto:1 AES_CM_128_HMAC_SHA1_80 ${inline}:${KEY}|2^20|1:4`,
    `a=crypto:2 AES_CM_128_HMAC_SHA1_32 ${inline}:${KEY.slice(0, 30)}AAAAAAAAAA`,
    'k=clear:secretkey',
    '',
  ].join('\r\n');
}

/** Every casing of a word: a property over the 2^n spellings (n ≤ 6 here). */
function casings(word: string): string[] {
  const out: string[] = [];
  for (let m = 0; m < 1 << word.length; m++) out.push([...word].map((c, i) => (m & (1 << i) ? c.toUpperCase() : c.toLowerCase())).join(''));
  return out;
}

describe('SIP log masking (DESIGN.md rule 3)', () => {
  it('masks the digest response and cnonce in every casing of the header and the parameters, keeping what IT needs', () => {
    for (const header of ['Authorization', 'authorization', 'AUTHORIZATION', 'Proxy-Authorization', 'PROXY-AUTHORIZATION', 'proxy-authorization']) {
      for (const response of casings('response').filter((_, i) => i % 17 === 0)) {
        const text = register(header).replace('response=', `${response}=`);
        const masked = maskSipText(text);
        expect(masked).not.toContain(RESPONSE);
        expect(masked).not.toContain(CNONCE);
        expect(masked).toContain('username="alice"');
        expect(masked).toContain('realm="pbx.example.com"');
        expect(masked).toContain(`${response}="${MASK}"`);
      }
    }
  });

  it('masks SDES keys after inline: in every casing, and k= lines', () => {
    for (const inline of casings('inline')) {
      const masked = maskSipText(register('Authorization', inline));
      expect(masked).not.toContain(KEY.slice(0, 16));
      expect(masked).not.toContain('secretkey');
      expect(masked).toMatch(/a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\[masked\]\|2\^20\|1:4/);
    }
  });

  it('a non-digest scheme loses its credentials whole; user:password@ URIs and private keys too', () => {
    const text = 'OPTIONS sip:x SIP/2.0\r\nAuthorization: Basic YWxpY2U6c2VjcmV0\r\nContact: <sip:alice:hunter2@10.0.0.1>\r\n\r\n-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n';
    const masked = maskSipText(text);
    expect(masked).not.toContain('YWxpY2U6c2VjcmV0');
    expect(masked).not.toContain('hunter2');
    expect(masked).not.toContain('MIIEvQ');
  });

  it('folded header values are masked through their continuation lines', () => {
    const masked = maskSipText(`REGISTER sip:x SIP/2.0\r\nAuthorization: Digest username="a",\r\n response="${RESPONSE}",\r\n cnonce="${CNONCE}"\r\nCSeq: 2 REGISTER\r\n\r\n`);
    expect(masked).not.toContain(RESPONSE);
    expect(masked).not.toContain(CNONCE);
    expect(masked).toContain('CSeq: 2 REGISTER');
  });
});
