import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mediaDirection, rtcpAttribute, rtpMaps } from './media-attributes.js';
import { parseSdp } from './sdp-parser.js';
import { serializeSdp } from './sdp-serializer.js';
import type { SessionDescription } from './session-description.js';

const corpusDir = new URL('../../../test/corpus/sdp/', import.meta.url);
const fixturesDir = new URL('../sdes/fixtures/', import.meta.url);

function files(dir: URL, ext: string): { name: string; bytes: Buffer; text: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((name) => {
      const bytes = readFileSync(new URL(name, dir));
      return { name, bytes, text: new TextDecoder().decode(bytes) };
    });
}

/** Parse -> serialize -> parse gives the same value (the fuzz and round-trip invariant). */
function expectStable(text: string): void {
  const first = parseSdp(text);
  if (!first.ok) return;
  const again = parseSdp(serializeSdp(first.value));
  expect(again.ok).toBe(true);
  if (again.ok) expect(again.value).toEqual(first.value);
}

describe('parseSdp: RFC examples', () => {
  it('RFC 4566 §5 / RFC 8866 §5 example: every field', () => {
    const r = parseSdp(readFileSync(new URL('rfc4566-5-example.sdp', corpusDir), 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const sd = r.value;
    expect(sd.origin).toEqual({ username: 'jdoe', sessionId: '2890844526', sessionVersion: '2890842807', netType: 'IN', addrType: 'IP4', address: '10.47.16.5' });
    expect(sd.sessionName).toBe('SDP Seminar');
    expect(sd.information).toBe('A Seminar on the session description protocol');
    expect(sd.uri).toBe('http://www.example.com/seminars/sdp.pdf');
    expect(sd.emails).toEqual(['j.doe@example.com (Jane Doe)']);
    expect(sd.connection).toEqual({ netType: 'IN', addrType: 'IP4', address: '224.2.17.12/127' });
    expect(sd.times).toEqual([{ start: '2873397496', stop: '2873404696', repeats: [] }]);
    expect(sd.attributes).toEqual([{ name: 'recvonly' }]);
    expect(sd.media.map((m) => [m.type, m.port, m.protocol, m.formats])).toEqual([
      ['audio', 49170, 'RTP/AVP', ['0']],
      ['video', 51372, 'RTP/AVP', ['99']],
    ]);
    expect(rtpMaps(sd.media[1]!).get(99)).toEqual({ payloadType: 99, encodingName: 'h263-1998', clockRate: 90000 });
    // Session-level recvonly applies to streams without their own direction (RFC 3264 §5.1).
    expect(mediaDirection(sd, sd.media[0]!)).toBe('recvonly');
    expect(serializeSdp(sd)).toBe(readFileSync(new URL('rfc4566-5-example.sdp', corpusDir), 'utf8'));
  });

  it('RFC 3264 §10.1 offer: empty s= tolerated, static and dynamic payload types resolved', () => {
    const r = parseSdp(readFileSync(new URL('rfc3264-10.1-offer.sdp', corpusDir), 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.sessionName).toBe('-');
    expect([...rtpMaps(r.value.media[0]!).values()].map((m) => m.encodingName)).toEqual(['PCMU', 'PCMA', 'iLBC']);
  });

  it('reads rtcp (RFC 3605) with and without an address', () => {
    const r = parseSdp('v=0\r\no=- 1 1 IN IP4 1.1.1.1\r\ns=-\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=rtcp:5001 IN IP4 10.0.0.1\r\nm=audio 6000 RTP/AVP 0\r\na=rtcp:6005\r\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(rtcpAttribute(r.value.media[0]!)).toEqual({ port: 5001, address: '10.0.0.1' });
    expect(rtcpAttribute(r.value.media[1]!)).toEqual({ port: 6005 });
  });
});

describe('parseSdp: real-world tolerance and strictness', () => {
  it('accepts LF, CR and CRLF line ends, trailing whitespace, blank lines, a BOM, unknown line types', () => {
    const base = 'v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\nm=audio 5000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n';
    const variants = [base, base.replace(/\n/g, '\r\n'), base.replace(/\n/g, '\r'), base.replace(/\n/g, '  \t\n'), `\uFEFF${base}\n\n`, base.replace('t=0 0\n', 't=0 0\ny=0011223344\n')];
    const parsed = variants.map((v) => parseSdp(v));
    for (const p of parsed) expect(p.ok).toBe(true);
    const first = parsed[0]!;
    if (!first.ok) return;
    for (const p of parsed.slice(1, 5)) expect(p.ok && p.value).toEqual(first.value);
    const withUnknown = parsed[5]!;
    expect(withUnknown.ok && withUnknown.value.unknownLines).toEqual([{ type: 'y', value: '0011223344' }]);
    expect(withUnknown.ok && serializeSdp(withUnknown.value)).toContain('y=0011223344\r\n');
  });

  it('fills in a missing s= and t= rather than refusing a PBX offer', () => {
    const r = parseSdp('v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 5000 RTP/AVP 0\r\n');
    expect(r.ok && r.value.sessionName).toBe('-');
    expect(r.ok && r.value.times).toEqual([{ start: '0', stop: '0', repeats: [] }]);
  });

  const malformed: [string, string, string][] = [
    ['empty body', '', 'empty'],
    ['no v= first', 'o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n', 'missing-version'],
    ['version 1', 'v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\n', 'bad-version'],
    ['no o=', 'v=0\r\ns=-\r\nt=0 0\r\n', 'missing-origin'],
    ['o= with 5 fields', 'v=0\r\no=- 1 IN IP4 1.2.3.4\r\n', 'bad-origin'],
    ['non-numeric session id', 'v=0\r\no=- abc 1 IN IP4 1.2.3.4\r\n', 'bad-origin'],
    ['port above 65535', readFileSync(new URL('bad-port.sdp', corpusDir), 'utf8'), 'bad-media-line'],
    ['m= without protocol', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 5000\r\n', 'bad-media-line'],
    ['c= with two fields', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nc=IN IP4\r\n', 'bad-connection'],
    ['b= without value', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nb=AS\r\n', 'bad-bandwidth'],
    ['line without =', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nhello\r\n', 'bad-line'],
    ['digit as type', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n1=x\r\n', 'bad-line'],
    ['r= before t=', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nr=1 2 3\r\n', 'bad-time'],
    ['empty attribute', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\na=\r\n', 'bad-line'],
  ];
  for (const [name, text, code] of malformed) {
    it(`refuses ${name} with ${code}`, () => {
      const r = parseSdp(text);
      expect(r.ok ? 'ok' : r.error.code).toBe(code);
    });
  }

  it('refuses bodies over 64 KiB quickly', () => {
    const r = parseSdp(`v=0\r\n${'a=x\r\n'.repeat(20000)}`);
    expect(r.ok ? 'ok' : r.error.code).toBe('too-large');
  });

  it('error details never carry SDES key material', () => {
    const r = parseSdp('v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 5000 RTP/AVP 0\r\n a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\nm=audio x');
    expect(r.ok).toBe(false);
    const bad = parseSdp('v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 5000 RTP/AVP 0\r\nc=IN inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n');
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR');
  });
});

describe('parseSdp: captures, their truncations and corruptions (DESIGN.md rule 5)', () => {
  const captures = [...files(fixturesDir, '.sdp'), ...files(corpusDir, '.sdp')];

  it(`parses the ${captures.length} captures and corpus files stably`, () => {
    const failures = captures.filter((c) => !parseSdp(c.bytes).ok).map((c) => c.name);
    expect(failures).toEqual(['bad-port.sdp']);
    for (const c of captures) expectStable(c.text);
  });

  it('every prefix of every capture gives a value or an error, and values are stable', () => {
    for (const c of captures) for (let n = 0; n <= c.text.length; n += 3) expectStable(c.text.slice(0, n));
  });

  it('random single-character corruptions of the captures never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...captures), fc.nat(), fc.string({ maxLength: 3 }), (c, at, insert) => {
        const i = at % (c.text.length + 1);
        expectStable(c.text.slice(0, i) + insert + c.text.slice(i + 1));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseSdp: blanks around and inside lines (fuzz crashers, issue 15)', () => {
  it('trims spaces and tabs at both ends of a line, and reads a line with a long inner run of blanks as malformed', () => {
    const r = parseSdp('v=0 \t\r\n\to=- 1 1 IN IP4 192.0.2.1  \r\ns=- \r\nt=0 0\r\n');
    expect(r.ok && r.value.origin.address).toBe('192.0.2.1');
    const long = parseSdp(`v=0\no=- 3${' '.repeat(16_384)}x\n`);
    expect(!long.ok && long.error.code).toBe('bad-origin');
    for (const f of readdirSync(new URL('crashers/', corpusDir))) expect(typeof parseSdp(readFileSync(new URL(`crashers/${f}`, corpusDir))).ok).toBe('boolean');
  });
});

describe('parseSdp: fuzz and round-trip properties', () => {
  it('any string gives a value or an error; values serialize and parse back equal', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => expectStable(s)),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...'vosiuepcbtrzkamxX1 ='), fc.string({ maxLength: 30 })), { maxLength: 25 }), (lines) =>
        expectStable(`v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n${lines.map(([t, v]) => `${t}=${v}`).join('\r\n')}`),
      ),
      { numRuns: 1000 },
    );
  });

  const text = fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/);
  const token = fc.stringMatching(/^[A-Za-z0-9_.\-+]{1,12}$/);
  const connection = fc.record({ netType: fc.constant('IN'), addrType: fc.constantFrom('IP4', 'IP6'), address: token });
  const attribute = fc.oneof(fc.record({ name: token }), fc.record({ name: token, value: fc.oneof(fc.constant(''), text) }));
  const bandwidth = fc.record({ type: fc.constantFrom('AS', 'CT', 'TIAS'), value: fc.nat(1_000_000) });
  const unknown = fc.record({ type: fc.constantFrom('x', 'y', 'w', 'Q'), value: fc.oneof(fc.constant(''), text) });
  const media = fc.record(
    {
      type: fc.constantFrom('audio', 'video', 'application'),
      port: fc.nat(65535),
      portCount: fc.integer({ min: 1, max: 9 }),
      protocol: fc.constantFrom('RTP/AVP', 'RTP/SAVP', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVPF'),
      formats: fc.array(fc.nat(127).map(String), { maxLength: 6 }),
      information: text,
      connections: fc.array(connection, { maxLength: 2 }),
      bandwidths: fc.array(bandwidth, { maxLength: 2 }),
      encryptionKey: text,
      attributes: fc.array(attribute, { maxLength: 8 }),
      unknownLines: fc.array(unknown, { maxLength: 2 }),
    },
    { requiredKeys: ['type', 'port', 'protocol', 'formats', 'connections', 'bandwidths', 'attributes', 'unknownLines'] },
  );
  const session = fc.record(
    {
      version: fc.constant(0),
      origin: fc.record({ username: token, sessionId: fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String), sessionVersion: fc.nat().map(String), netType: fc.constant('IN'), addrType: fc.constant('IP4'), address: token }),
      sessionName: text,
      information: text,
      uri: text,
      emails: fc.array(text, { maxLength: 2 }),
      phones: fc.array(text, { maxLength: 2 }),
      connection,
      bandwidths: fc.array(bandwidth, { maxLength: 2 }),
      times: fc.array(fc.record({ start: fc.nat().map(String), stop: fc.nat().map(String), repeats: fc.array(text, { maxLength: 2 }) }), { minLength: 1, maxLength: 2 }),
      timeZones: text,
      encryptionKey: text,
      attributes: fc.array(attribute, { maxLength: 6 }),
      unknownLines: fc.array(unknown, { maxLength: 2 }),
      media: fc.array(media, { maxLength: 4 }),
    },
    { requiredKeys: ['version', 'origin', 'sessionName', 'emails', 'phones', 'bandwidths', 'times', 'attributes', 'unknownLines', 'media'] },
  );

  it('round-trip: serialize then parse gives back any well-formed session description', () => {
    fc.assert(
      fc.property(session, (sd) => {
        const r = parseSdp(serializeSdp(sd as SessionDescription));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(sd);
      }),
      { numRuns: 500 },
    );
  });
});
