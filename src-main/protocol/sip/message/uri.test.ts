import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cursor } from './cursor.js';
import { classifyHost, isIpv4, isIpv6 } from './host.js';
import { formatUri, parseUriAt, sipUri, uriEquals, uriParam, type Uri, type UriContext } from './uri.js';

function parse(s: string, context: UriContext = 'name-addr'): Uri | string {
  const c = new Cursor(s);
  return parseUriAt(c, s.length, context) ?? `error: ${c.error}`;
}

describe('SIP URI parsing (RFC 3261 §19.1.1, §25.1)', () => {
  it('reads every component of a full SIP URI', () => {
    expect(parse('sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr?subject=hi&priority=urgent')).toEqual({
      kind: 'sip',
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: '[2001:db8::1]',
      hostKind: 'ipv6',
      port: 5061,
      params: [
        { name: 'transport', value: 'tls' },
        { name: 'lr', value: null },
      ],
      headers: [
        { name: 'subject', value: 'hi' },
        { name: 'priority', value: 'urgent' },
      ],
    });
  });

  it('treats the scheme case-insensitively', () => {
    expect(parse('SIP:bob@example.com')).toMatchObject({ kind: 'sip', scheme: 'sip' });
  });

  it('rejects bad hosts, ports, escapes and empty parameter names', () => {
    for (const bad of ['sip:', 'sip:@host', 'sip:host:99999', 'sip:host:', 'sip:ho st', 'sip:user@host;', 'sip:u%4@host', 'sip:[::1', 'sip:host;=x', 'sip:-bad-.com', 'sip:1.2.3', 'sip:a@b@c', ':nothing', '1sip:x']) {
      expect(typeof parse(bad), bad).toBe('string');
    }
  });

  it('refuses escaped headers in a Request-URI and in addr-spec form (RFC 4475 §3.1.2.11, §3.1.2.13)', () => {
    expect(parse('sip:a@b?h=v', 'request-uri')).toMatch(/Request-URI/);
    expect(parse('sip:a@b?h=v', 'addr-spec')).toMatch(/enclosed/);
    expect(parse('sip:a@b?h=v', 'name-addr')).toMatchObject({ headers: [{ name: 'h', value: 'v' }] });
  });

  it('parses tel: URIs (RFC 3966) and keeps other schemes opaque', () => {
    expect(parse('tel:+1-201-555-0123;phone-context=example.com')).toEqual({
      kind: 'tel',
      scheme: 'tel',
      number: '+1-201-555-0123',
      params: [{ name: 'phone-context', value: 'example.com' }],
    });
    expect(parse('urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toEqual({ kind: 'absolute', scheme: 'urn', opaque: 'uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6' });
    expect(typeof parse('tel:')).toBe('string');
    expect(typeof parse('http://a b')).toBe('string');
  });

  it('formats with the escapes each component needs', () => {
    const u = sipUri({ user: 'a b@c', password: 'p:w', host: 'example.com', params: [{ name: 'x', value: 'v;1' }], headers: [{ name: 'h', value: 'a&b' }] });
    expect(formatUri(u)).toBe('sip:a%20b%40c:p%3Aw@example.com;x=v%3B1?h=a%26b');
    expect(parse(formatUri(u))).toEqual(u);
  });

  it('compares URIs as RFC 3261 §19.1.4 says', () => {
    const eq = (a: string, b: string): boolean => uriEquals(parse(a) as Uri, parse(b) as Uri);
    expect(eq('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp')).toBe(true);
    expect(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5')).toBe(true);
    expect(eq('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5')).toBe(true);
    expect(eq('sip:alice@atlanta.com', 'sip:alice@atlanta.com:5060')).toBe(false);
    expect(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp')).toBe(false);
    expect(eq('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP')).toBe(false);
    expect(eq('sip:carol@chicago.com?Subject=next%20meeting', 'sip:carol@chicago.com')).toBe(false);
    expect(eq('tel:+1-201-555-0123', 'tel:+12015550123')).toBe(true);
    expect(eq('sip:a@b', 'tel:+1')).toBe(false);
  });

  it('looks up URI parameters case-insensitively', () => {
    const u = parse('sip:a@b;Transport=TLS;lr') as Uri;
    expect(uriParam(u, 'transport')).toBe('TLS');
    expect(uriParam(u, 'lr')).toBeNull();
    expect(uriParam(u, 'maddr')).toBeUndefined();
  });

  it('property: any SIP URI built from octet strings formats and parses back to itself', () => {
    const octets = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 12 });
    const host = fc.constantFrom('example.com', 'a-1.example.org', '192.0.2.1', '[2001:db8::1]', '[::ffff:192.0.2.10]', 'x');
    fc.assert(
      fc.property(octets, fc.option(octets, { nil: undefined }), host, fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }), fc.array(fc.tuple(octets, fc.option(octets, { nil: null })), { maxLength: 3 }), (user, password, h, port, params) => {
        const u = sipUri({ user, password, host: h, port, params: params.map(([name, value]) => ({ name, value })) });
        expect(parse(formatUri(u))).toEqual(u);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hosts (RFC 3261 §25.1, RFC 5118 §4.10)', () => {
  it('classifies names, IPv4 and IPv6 references', () => {
    expect(classifyHost('example.com')).toBe('name');
    expect(classifyHost('example.com.')).toBe('name');
    expect(classifyHost('192.0.2.1')).toBe('ipv4');
    expect(classifyHost('[2001:db8::1]')).toBe('ipv6');
    for (const bad of ['', '-a.com', 'a-.com', 'a..b', '256.1.1.1', '1.2.3.4.5', '[1.2.3.4]', '[2001:db8::1', 'a_b.com', '.com']) expect(classifyHost(bad), bad).toBeUndefined();
  });
  it('validates IPv4 and IPv6 text forms', () => {
    expect(isIpv4('255.255.255.255')).toBe(true);
    expect(isIpv4('1.2.3')).toBe(false);
    for (const good of ['::', '::1', '1::', '2001:db8:0:0:0:0:0:1', 'fe80::1:2', '::ffff:192.0.2.10', '1:2:3:4:5:6:7:8']) expect(isIpv6(good), good).toBe(true);
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', ':1', '1:', 'g::1', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4']) expect(isIpv6(bad), bad).toBe(false);
  });
});

describe('URI round trips found by fuzzing (issue 15, test/corpus/sip-uri/crashers)', () => {
  const parse = (s: string): Uri | undefined => parseUriAt(new Cursor(s), s.length, 'name-addr');

  it('escapes tel parameter names, so a decoded %00 in a name formats and parses back', () => {
    const u = parse('tel:+1-555-0100;ph%00one-context=example.com')!;
    const text = formatUri(u);
    expect(text).toBe('tel:+1-555-0100;ph%00one-context=example.com');
    expect(parse(text)).toEqual(u);
  });

  it('a URI with a repeated header name equals itself and its round trip (RFC 3261 §19.1.4: headers compared as a whole)', () => {
    const u = parse('sips:alice@atlanta.com?subject=x&priority=a&priority=b')!;
    expect(uriEquals(u, u)).toBe(true);
    expect(uriEquals(u, parse(formatUri(u))!)).toBe(true);
    expect(uriEquals(u, parse('sips:alice@atlanta.com?subject=x&priority=b&priority=b')!)).toBe(false);
    expect(uriEquals(u, parse('sips:alice@atlanta.com?priority=b&subject=x&priority=a')!)).toBe(true);
  });
});
