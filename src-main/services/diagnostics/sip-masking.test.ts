import fc from 'fast-check';
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

// Properties (issue 15): any casing of every keyword, raw and JSON-escaped text (a trace saved as
// JSON), the SIP log keeps what IT reads and loses every piece of the secrets.
const caseOf = (word: string): fc.Arbitrary<string> =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((f) => [...word].map((c, i) => (f[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
const hex = fc.uint8Array({ minLength: 8, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const b64 = fc.uint8Array({ minLength: 12, maxLength: 46 }).map((b) => Buffer.from(b).toString('base64'));
const asJson = (text: string): string => `{"trace":${JSON.stringify(text)}}`;
const inJson = (s: string): string => JSON.stringify(s).slice(1, -1);

/** Every 8-character piece of the secret, raw and JSON-escaped, that the masked text still holds. */
function pieces(masked: string, secrets: readonly string[]): string[] {
  const text = masked.split(MASK).join('\u0000');
  const out: string[] = [];
  for (const s of secrets) for (const f of [s, inJson(s)]) for (let i = 0; i + 8 <= f.length; i++) if (text.includes(f.slice(i, i + 8))) out.push(f.slice(i, i + 8));
  return out;
}

describe('SIP log masking properties (issue 15: any casing, raw and JSON-escaped)', () => {
  it('a Digest header in any casing, folded or not, loses response and cnonce and keeps username, realm and nonce', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Authorization', 'Proxy-Authorization').chain(caseOf),
        caseOf('digest'),
        caseOf('response'),
        caseOf('cnonce'),
        fc.constantFrom(':', ': ', ' : ', '\t: '),
        fc.constantFrom(', ', ',\r\n ', ',\r\n\t'),
        hex,
        hex,
        fc.boolean(),
        (h, scheme, response, cnonce, colon, sep, digest, cn, json) => {
          const value = [`username="alice"`, `realm="pbx.example.com"`, `nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"`, `${response}="${digest}"`, `${cnonce}="${cn}"`, 'qop=auth', 'nc=00000001'].join(sep);
          const text = `REGISTER sip:pbx.example.com SIP/2.0\r\n${h}${colon}${scheme} ${value}\r\nCSeq: 2 REGISTER\r\n\r\n`;
          fc.pre(!text.replace(digest, '').replace(cn, '').includes(digest.slice(0, 8)) && !text.replace(digest, '').replace(cn, '').includes(cn.slice(0, 8)));
          const masked = maskSipText(json ? asJson(text) : text);
          expect(pieces(masked, [digest, cn])).toEqual([]);
          for (const kept of ['username="alice"', 'realm="pbx.example.com"', `${response}="${MASK}"`, `${cnonce}="${MASK}"`, 'CSeq: 2 REGISTER', `${h}${colon}${scheme} username`]) expect(masked).toContain(json ? inJson(kept) : kept);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('SDES keys after inline: in any casing, several lines, with lifetime and MKI; a=key-mgmt data; k= lines — raw and JSON-escaped', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(b64, caseOf('inline'), fc.constantFrom('', '|2^31', '|2^20|1:4', '|1:1')), { minLength: 1, maxLength: 3 }), b64, b64, fc.boolean(), (keys, mikey, k, json) => {
        const sdp = ['v=0', 'm=audio 4000 RTP/SAVP 0', ...keys.map(([key, inline, rest], i) => `a=crypto:${i + 1} AES_CM_128_HMAC_SHA1_80 ${inline}:${key}${rest}`), `a=key-mgmt:mikey ${mikey}`, `k=base64:${k}`, 'a=sendrecv', ''].join('\r\n');
        const masked = maskSipText(json ? asJson(sdp) : sdp);
        expect(pieces(masked, [...keys.map(([key]) => key), mikey, k])).toEqual([]);
        const nl = json ? '\\r\\n' : '\r\n';
        keys.forEach(([, , rest], i) => expect(masked).toContain(`a=crypto:${i + 1} AES_CM_128_HMAC_SHA1_80 inline:${MASK}${rest}${nl}`));
        expect(masked).toContain(`a=key-mgmt:mikey ${MASK}${nl}k=${MASK}${nl}a=sendrecv`);
      }),
      { numRuns: 300 },
    );
  });

  it('any other scheme (Bearer, Basic, Negotiate) in any casing loses its credentials whole', () => {
    fc.assert(
      fc.property(fc.constantFrom('Authorization', 'Proxy-Authorization').chain(caseOf), fc.constantFrom('Bearer', 'Basic', 'Negotiate').chain(caseOf), b64, fc.boolean(), (h, scheme, credentials, json) => {
        const text = `OPTIONS sip:x SIP/2.0\r\n${h}: ${scheme} ${credentials}\r\nCSeq: 1 OPTIONS\r\n\r\n`;
        const masked = maskSipText(json ? asJson(text) : text);
        expect(pieces(masked, [credentials])).toEqual([]);
        expect(masked).toContain(`${h}: ${scheme} ${MASK}${json ? '\\r\\n' : '\r\n'}CSeq: 1 OPTIONS`);
      }),
      { numRuns: 300 },
    );
  });
});
