/**
 * RFC 5118 "SIP Torture Test Messages for IPv6", Appendix A (test/vectors/rfc5118). The wire/ copies
 * (CRLF, terminated headers, corrected Content-Length, each change listed in index.json) are what a
 * transport would carry; `accept` is what a robust element does with each.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isIpv6 } from './host.js';
import type { SipRequest } from './message.js';
import { parseMessage } from './parser.js';
import { serializeMessage } from './serializer.js';
import type { SipUri } from './uri.js';

const DIR = new URL('../../../../test/vectors/rfc5118/', import.meta.url);

interface Entry {
  name: string;
  file: string;
  section: string;
  title: string;
  valid: boolean;
  accept: boolean;
  sha256: string;
  wire_file: string;
  wire_sha256: string;
}

const index = JSON.parse(readFileSync(new URL('index.json', DIR), 'utf8')) as Entry[];
const wire = (e: Entry): Buffer => readFileSync(new URL(e.wire_file, DIR));
const byName = (name: string): Entry => index.find((e) => e.name === name)!;
const req = (name: string): SipRequest => {
  const r = parseMessage(wire(byName(name)));
  if (!r.ok) throw new Error(r.error.message);
  return r.value as SipRequest;
};

describe('RFC 5118 vectors', () => {
  it('copies match the SHA-256 sums in index.json', () => {
    expect(index).toHaveLength(12);
    for (const e of index) {
      expect(createHash('sha256').update(readFileSync(new URL(e.file, DIR))).digest('hex'), e.name).toBe(e.sha256);
      expect(createHash('sha256').update(wire(e)).digest('hex'), e.name).toBe(e.wire_sha256);
    }
  });

  for (const e of index) {
    it(`RFC 5118 §${e.section} ${e.name}: ${e.accept ? 'accepted' : 'rejected with 400'}`, () => {
      const r = parseMessage(wire(e));
      expect(r.ok, r.ok ? '' : r.error.message).toBe(e.accept);
      if (r.ok) expect(parseMessage(serializeMessage(r.value)).ok).toBe(true);
      else expect(r.error.status).toBe(400);
    });
  }

  it('§4.1 ipv6-good: IPv6 references in Request-URI, Via and Contact', () => {
    const m = req('ipv6-good');
    expect((m.uri as SipUri).host).toBe('[2001:db8::10]');
    expect((m.uri as SipUri).hostKind).toBe('ipv6');
    expect(m.headers.topVia()?.host).toBe('[2001:db8::9:1]');
    expect((m.headers.contact()[0]!.uri as SipUri).host).toBe('[2001:db8::1]');
  });

  it('§4.2 ipv6-bad: an unbracketed IPv6 Request-URI is a malformed Request-URI', () => {
    const r = parseMessage(wire(byName('ipv6-bad')));
    expect(!r.ok && r.error.code).toBe('bad-request-uri');
  });

  it('§4.3 port-ambiguous: [2001:db8::10:5070] has no port', () => {
    const u = req('port-ambiguous').uri as SipUri;
    expect(u.host).toBe('[2001:db8::10:5070]');
    expect(u.port).toBeUndefined();
  });

  it('§4.4 port-unambiguous: [2001:db8::10]:5070', () => {
    const u = req('port-unambiguous').uri as SipUri;
    expect([u.host, u.port]).toEqual(['[2001:db8::10]', 5070]);
  });

  it('§4.5 received= with and without brackets reads as the bare address; branch still read', () => {
    for (const name of ['via-received-param-with-delim', 'via-received-param-no-delim']) {
      const v = req(name).headers.topVia()!;
      expect(v.received).toBe('2001:db8::9:255');
      expect(v.branch).toMatch(/^z9hG4bK/);
    }
  });

  it('§4.7 mult-ip-in-header: mixed IPv4/IPv6 Via list', () => {
    const vias = req('mult-ip-in-header').headers.via();
    expect(vias.map((v) => [v.host, v.port])).toEqual([
      ['[2001:db8::9:1]', 6050],
      ['192.0.2.1', undefined],
      ['[2001:db8::9:255]', undefined],
    ]);
    expect(vias[2]!.received).toBe('192.0.2.200');
  });

  it('§4.9 IPv4-mapped IPv6 addresses in Via and Contact', () => {
    const m = req('ipv4-mapped-ipv6');
    expect(m.headers.via().map((v) => v.host)).toContain('[::ffff:192.0.2.10]');
  });

  it('§4.10 the three-colon form from RFC 3261 ABNF is tolerated, the two-colon form is correct', () => {
    expect(isIpv6('2001:db8:::192.0.2.1')).toBe(true);
    expect(isIpv6('2001:db8::192.0.2.1')).toBe(true);
    expect((req('ipv6-bug-abnf-3-colons').uri as SipUri).host).toBe('[2001:db8:::192.0.2.1]');
  });

  it('the as-published LF files (no corrected lengths) never throw', () => {
    for (const e of index) {
      const r = parseMessage(readFileSync(new URL(e.file, DIR)));
      if (!r.ok) expect(r.error.code).toMatch(/^[a-z-]+$/);
    }
  });
});
