import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuthValues, formatAuthValue } from './auth-header.js';
import { createRequest, createResponse } from './builders.js';
import { Cursor } from './cursor.js';
import { formatSipDate, parseSipDate } from './date-header.js';
import { canonicalHeaderName, headerKey } from './header-names.js';
import { H } from './header-kinds.js';
import { SipHeaders } from './headers.js';
import type { SipRequest } from './message.js';
import { formatNameAddr, parseNameAddr, parseNameAddrListAt, tagOf, type NameAddr } from './name-addr.js';
import { getParam, paramText, withParam, withoutParam } from './parameters.js';
import { checkMessage, parseMessage } from './parser.js';
import { serializeMessage } from './serializer.js';
import { sipUri } from './uri.js';
import { createVia, formatVia, isRfc3261Branch, parseViaListAt, type Via } from './via.js';

const vias = (s: string): Via[] | string => {
  const out: Via[] = [];
  const c = new Cursor(s);
  return parseViaListAt(c, out) ? out : `error: ${c.error}`;
};

describe('header names (RFC 3261 §7.3.1, §7.3.3)', () => {
  it('maps compact forms and case to one key, and spells names canonically', () => {
    expect(['v', 'V', 'via', 'VIA'].map(headerKey)).toEqual(['via', 'via', 'via', 'via']);
    expect(['i', 'm', 'l', 'k', 't', 'f', 'c', 'e', 's', 'o', 'r', 'u', 'x'].map(headerKey)).toEqual([
      'call-id', 'contact', 'content-length', 'supported', 'to', 'from', 'content-type', 'content-encoding', 'subject', 'event', 'refer-to', 'allow-events', 'session-expires',
    ]);
    expect(canonicalHeaderName('i')).toBe('Call-ID');
    expect(canonicalHeaderName('www-authenticate')).toBe('WWW-Authenticate');
    expect(canonicalHeaderName('x-custom-thing')).toBe('X-Custom-Thing');
  });
});

describe('Via (RFC 3261 §20.42, RFC 3581)', () => {
  it('reads sent-protocol, sent-by, branch, received and rport', () => {
    const [v] = vias('SIP/2.0/tls pbx.example.com:5061;branch=z9hG4bK776;received=192.0.2.7;rport=40111') as Via[];
    expect(v).toMatchObject({ protocol: 'SIP', version: '2.0', transport: 'TLS', host: 'pbx.example.com', port: 5061, branch: 'z9hG4bK776', received: '192.0.2.7', rport: 40111 });
    expect((vias('SIP/2.0/UDP h;rport') as Via[])[0]!.rport).toBeNull();
  });
  it('rejects malformed values', () => {
    for (const bad of ['SIP/2.0/UDP', 'SIP/2.0 h', 'SIP/2.0/UDPh', 'SIP/2.0/UDP h:port', 'SIP/2.0/UDP h;branch', 'SIP/2.0/UDP h;rport=x', 'SIP/2.0/UDP h;received=300.1.1.1', 'SIP/2.0/UDP h,', 'SIP/2.0/UDP h x']) {
      expect(vias(bad), bad).toMatch(/^error/);
    }
  });
  it('formats and parses back; createVia adds branch and rport', () => {
    const v = createVia({ transport: 'tls', host: '192.0.2.1', port: 5061, branch: 'z9hG4bKabc', rport: true });
    expect(formatVia(v)).toBe('SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bKabc;rport');
    expect((vias(formatVia(v)) as Via[])[0]).toEqual(v);
    expect(isRfc3261Branch('z9hG4bK')).toBe(false);
    expect(isRfc3261Branch('z9hG4bKx')).toBe(true);
  });
});

describe('name-addr (RFC 3261 §20.10, §20.20)', () => {
  it('reads quoted, token and absent display names, and header parameters', () => {
    expect(parseNameAddr('"A \\"B\\"" <sip:a@b>;tag=1')).toMatchObject({ displayName: 'A "B"', params: [{ name: 'tag', value: '1' }] });
    expect(parseNameAddr('Alice  Smith <sip:a@b>')?.displayName).toBe('Alice  Smith');
    expect(parseNameAddr('<sip:a@b>')?.displayName).toBeUndefined();
  });
  it('decodes UTF-8 display names from the wire and encodes them back', () => {
    const raw = Buffer.from('"Jörg" <sip:j@b>', 'utf8').toString('latin1');
    const na = parseNameAddr(raw)!;
    expect(na.displayName).toBe('Jörg');
    expect(formatNameAddr(na)).toBe(raw);
  });
  it('refuses addr-spec where only name-addr is allowed, and junk after the address', () => {
    const out: NameAddr[] = [];
    expect(parseNameAddrListAt(new Cursor('sip:a@b'), true, out)).toBe(false);
    expect(parseNameAddr('<sip:a@b> junk')).toBeUndefined();
    expect(parseNameAddr('<sip:a@b')).toBeUndefined();
  });
  it('splits Contact lists on commas outside quotes and brackets', () => {
    const out: NameAddr[] = [];
    expect(parseNameAddrListAt(new Cursor('"a,b" <sip:a@b;x=1>;q=0.5, sip:c@d;expires=60'), false, out)).toBe(true);
    expect(out.map((c) => [c.displayName, paramText(c.params, 'q') ?? paramText(c.params, 'expires')])).toEqual([
      ['a,b', '0.5'],
      [undefined, '60'],
    ]);
  });
  it('reads tags and edits parameters without mutating', () => {
    const na = parseNameAddr('<sip:a@b>;tag=xyz;foo')!;
    expect(tagOf(na)).toBe('xyz');
    expect(getParam(na.params, 'FOO')).toBeNull();
    expect(withParam(na.params, 'tag', 'new')).toEqual([{ name: 'tag', value: 'new' }, { name: 'foo', value: null }]);
    expect(withoutParam(na.params, 'tag')).toEqual([{ name: 'foo', value: null }]);
    expect(na.params).toHaveLength(2);
  });
});

describe('authentication headers (RFC 3261 §25.1, RFC 7616 §3.3)', () => {
  it('reads a Digest challenge with quoted and token values', () => {
    const [c] = parseAuthValues('Digest realm="atlanta.example.com", nonce="84a4cc6f3082121f32b42a2187831a9e", qop="auth,auth-int", algorithm=SHA-256, stale=FALSE')!;
    expect(c!.scheme).toBe('Digest');
    expect(c!.params.map((p) => p.name)).toEqual(['realm', 'nonce', 'qop', 'algorithm', 'stale']);
    expect(paramText(c!.params, 'qop')).toBe('auth,auth-int');
  });
  it('splits two challenges joined by a comma (RFC 7235 §4.1) and keeps token68 credentials', () => {
    const list = parseAuthValues('Digest realm="a", nonce="1", algorithm=SHA-256, Digest realm="a", nonce="2"')!;
    expect(list.map((c) => paramText(c.params, 'nonce'))).toEqual(['1', '2']);
    expect(parseAuthValues('Bearer abc.def-ghi==')).toEqual([{ scheme: 'Bearer', params: [], token68: 'abc.def-ghi==' }]);
  });
  it('formats with RFC 7616 quoting rules', () => {
    expect(formatAuthValue({ scheme: 'Digest', params: [{ name: 'username', value: 'bob' }, { name: 'nc', value: '00000001' }, { name: 'qop', value: 'auth' }], token68: undefined })).toBe('Digest username="bob", nc=00000001, qop=auth');
    expect(parseAuthValues('Digest realm="unterminated')).toBeUndefined();
    expect(parseAuthValues('Digest realm="a" nonce="b"')).toBeUndefined();
  });
});

describe('authentication header round trip', () => {
  it('property: Digest credentials built from arbitrary values format and parse back to the same values', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{1,12}$/);
    const printable = (t: string): string => [...t].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f).join('');
    const quotedText = fc.string({ maxLength: 16 }).map((t) => Buffer.from(printable(t), 'utf8').toString('latin1'));
    fc.assert(
      fc.property(fc.array(fc.tuple(token, fc.oneof(token, quotedText.map((t) => JSON.stringify(t.replace(/["\\]/g, ''))))), { minLength: 1, maxLength: 6 }), (pairs) => {
        const value = { scheme: 'Digest', params: pairs.map(([name, v]) => ({ name, value: v })), token68: undefined };
        expect(parseAuthValues(formatAuthValue(value))).toEqual([value]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('dates (RFC 3261 §20.17)', () => {
  it('round-trips RFC 1123 dates in GMT and rejects other zones', () => {
    const t = Date.UTC(2010, 0, 1, 16, 0, 0);
    expect(formatSipDate(t)).toBe('Fri, 01 Jan 2010 16:00:00 GMT');
    expect(parseSipDate(formatSipDate(t))).toBe(t);
    expect(parseSipDate('Fri, 01 Jan 2010 16:00:00 EST')).toBeUndefined();
    expect(parseSipDate('Xyz, 01 Jan 2010 16:00:00 GMT')).toBeUndefined();
  });
});

describe('SipHeaders', () => {
  it('keeps order and names as given, finds them case-insensitively, and re-parses after edits', () => {
    const h = new SipHeaders([['v', 'SIP/2.0/UDP a;branch=z9hG4bK1'], ['Via', 'SIP/2.0/UDP b;branch=z9hG4bK2']]);
    expect(h.via().map((v) => v.host)).toEqual(['a', 'b']);
    h.prepend('Via', 'SIP/2.0/TLS c;branch=z9hG4bK3');
    expect(h.via().map((v) => v.host)).toEqual(['c', 'a', 'b']);
    h.removeFirst('VIA');
    expect(h.topVia()?.host).toBe('a');
    h.set('via', 'SIP/2.0/TCP d;branch=z9hG4bK4');
    expect(h.via().map((v) => v.host)).toEqual(['d']);
    expect([...h].map((f) => f.name)).toEqual(['via']);
    expect(h.remove('Via')).toBe(1);
    expect(h.via()).toEqual([]);
  });
  it('reads lazily parsed kinds as absent when malformed, and says why', () => {
    const h = new SipHeaders([['Supported', 'timer, ,x']]);
    expect(h.parsed(H.supported)).toBeUndefined();
    expect(h.problem(H.supported)).toMatch(/token/);
  });
  it('refuses header injection through names and values', () => {
    const h = new SipHeaders();
    expect(() => h.append('X-A', 'v\r\nVia: evil')).toThrow(RangeError);
    expect(() => h.append('X A', 'v')).toThrow(RangeError);
  });
  it('stores text as UTF-8 and gives it back as text', () => {
    const h = new SipHeaders([['Subject', 'Grüße']]);
    expect(h.get('subject')).toBe(Buffer.from('Grüße').toString('latin1'));
    expect(h.getText('subject')).toBe('Grüße');
  });
});

const alice: NameAddr = { displayName: 'Alice', uri: sipUri({ user: 'alice', host: 'atlanta.example.com' }), params: [{ name: 'tag', value: '1928301774' }] };
const bob: NameAddr = { displayName: undefined, uri: sipUri({ user: 'bob', host: 'biloxi.example.com' }), params: [] };

function invite(): SipRequest {
  return createRequest({
    method: 'INVITE',
    uri: sipUri({ user: 'bob', host: 'biloxi.example.com' }),
    via: [createVia({ transport: 'TLS', host: 'pc33.atlanta.example.com', branch: 'z9hG4bK776asdhds', rport: true })],
    from: alice,
    to: bob,
    callId: 'a84b4c76e66710@pc33.atlanta.example.com',
    cseq: 314159,
    contact: [{ displayName: undefined, uri: sipUri({ user: 'alice', host: 'pc33.atlanta.example.com', params: [{ name: 'transport', value: 'tls' }] }), params: [] }],
    headers: [['Subject', 'Grüße']],
    body: 'v=0\r\n',
    contentType: 'application/sdp',
  });
}

describe('builders and serializer (RFC 3261 §8.1.1, §8.2.6)', () => {
  it('creates an INVITE that serializes in the customary order and parses back', () => {
    const text = serializeMessage(invite()).toString('utf8');
    expect(text).toBe(
      'INVITE sip:bob@biloxi.example.com SIP/2.0\r\n' +
        'Via: SIP/2.0/TLS pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\n' +
        'Max-Forwards: 70\r\n' +
        'From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
        'To: <sip:bob@biloxi.example.com>\r\n' +
        'Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n' +
        'CSeq: 314159 INVITE\r\n' +
        'Contact: <sip:alice@pc33.atlanta.example.com;transport=tls>\r\n' +
        'Subject: Grüße\r\n' +
        'Content-Type: application/sdp\r\n' +
        'Content-Length: 5\r\n\r\nv=0\r\n',
    );
    const back = parseMessage(serializeMessage(invite()));
    expect(back.ok && back.value.headers.getText('subject')).toBe('Grüße');
  });

  it('creates responses copying Via/From/To/Call-ID/CSeq and adding the To tag (§8.2.6.2)', () => {
    const req = invite();
    req.headers.append('Record-Route', '<sip:p1.example.com;lr>');
    const r = createResponse(req, 180, undefined, { toTag: 'a6c85cf' });
    expect(r.reason).toBe('Ringing');
    expect(tagOf(r.headers.to()!)).toBe('a6c85cf');
    expect(r.headers.get('via')).toBe(req.headers.get('via'));
    expect(r.headers.recordRoute()).toHaveLength(1);
    const trying = createResponse(req, 100, undefined, { toTag: 'x' });
    expect(tagOf(trying.headers.to()!)).toBeUndefined();
    expect(createResponse(req, 486).headers.recordRoute()).toHaveLength(0);
  });

  it('always writes a Content-Length that matches the body', () => {
    const m = parseMessage(Buffer.from('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\nbody'));
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(serializeMessage(m.value).toString()).toContain('Content-Length: 4\r\n\r\nbody');
  });

  it('checkMessage reports every problem while parseMessage stops at the first', () => {
    const bad = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;;\r\nFrom: a b c\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n');
    const r = parseMessage(bad);
    expect(!r.ok && r.error.header).toBe('Via');
    expect(checkMessage(bad).errors.map((e) => e.code)).toEqual(['bad-header-value', 'bad-header-value', 'cseq-method-mismatch']);
  });

  it('accepts bare-LF line ends and skips CRLFs before the start line (RFC 3261 §7.5)', () => {
    const r = parseMessage(Buffer.from('\r\n\r\nOPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\nTo: <sip:a@b>\nCall-ID: x\nCSeq: 1 OPTIONS\nContent-Length: 2\n\nhi'));
    expect(r.ok && r.value.body.toString()).toBe('hi');
    const keepalive = parseMessage(Buffer.from('\r\n\r\n'));
    expect(!keepalive.ok && keepalive.error.code).toBe('empty');
  });
});
