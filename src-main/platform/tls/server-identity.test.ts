import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedCertificate } from './parsed-certificate.js';
import { checkServerIdentity, dnsNameMatches, normaliseIp, sipUriDomain } from './server-identity.js';

/** Only the identity fields matter to checkServerIdentity. */
function cert(o: { dns?: string[]; ip?: string[]; uri?: string[]; cn?: string[]; noSan?: boolean }): ParsedCertificate {
  return {
    hasSan: o.noSan !== true,
    sans: { dns: o.dns ?? [], ip: o.ip ?? [], uri: o.uri ?? [], email: [] },
    subjectCommonNames: o.cn ?? [],
  } as unknown as ParsedCertificate;
}

describe('server identity (RFC 5922 §7, RFC 6125 §6)', () => {
  it('matches a dNSName SAN exactly, case-insensitively, ignoring a trailing dot (RFC 6125 §6.4.1)', () => {
    expect(checkServerIdentity(cert({ dns: ['SIP.Example.TEST'] }), 'sip.example.test.').ok).toBe(true);
    expect(checkServerIdentity(cert({ dns: ['sip.example.test'] }), 'example.test').ok).toBe(false);
    expect(checkServerIdentity(cert({ dns: ['example.test'] }), 'sip.example.test').ok).toBe(false);
  });

  it('accepts a SIP URI SAN without user part as a domain identity (RFC 5922 §7.1)', () => {
    const r = checkServerIdentity(cert({ uri: ['sip:sip.example.test'] }), 'sip.example.test');
    expect(r).toMatchObject({ ok: true, source: 'sip-uri-san' });
    expect(checkServerIdentity(cert({ uri: ['sips:sip.example.test;transport=tcp'] }), 'sip.example.test').ok).toBe(true);
  });

  it('ignores SIP URIs with a user part and non-SIP URIs (RFC 5922 §7.1)', () => {
    expect(checkServerIdentity(cert({ uri: ['sip:alice@sip.example.test'] }), 'sip.example.test').ok).toBe(false);
    expect(checkServerIdentity(cert({ uri: ['https://sip.example.test/'] }), 'sip.example.test').ok).toBe(false);
    expect(sipUriDomain('sip:alice@x.test')).toBeUndefined();
  });

  it('uses the CN only when there is no subjectAltName at all (RFC 6125 §6.4.4)', () => {
    expect(checkServerIdentity(cert({ noSan: true, cn: ['sip.example.test'] }), 'sip.example.test')).toMatchObject({ ok: true, source: 'common-name' });
    expect(checkServerIdentity(cert({ dns: ['other.test'], cn: ['sip.example.test'] }), 'sip.example.test').ok).toBe(false);
    expect(checkServerIdentity(cert({ noSan: true, cn: ['*.example.test'] }), 'sip.example.test').ok).toBe(false);
  });

  it('applies the RFC 6125 §6.4.3 wildcard rules to dNSNames', () => {
    expect(dnsNameMatches('*.example.test', 'sip.example.test', true)).toBe(true);
    expect(dnsNameMatches('*.example.test', 'a.sip.example.test', true)).toBe(false); // one label only
    expect(dnsNameMatches('*.example.test', 'example.test', true)).toBe(false); // not empty
    expect(dnsNameMatches('*.test', 'example.test', true)).toBe(false); // not in the last two labels
    expect(dnsNameMatches('s*.example.test', 'sip.example.test', true)).toBe(false); // partial label
    expect(dnsNameMatches('sip.*.test', 'sip.example.test', true)).toBe(false); // not left-most
    expect(dnsNameMatches('*.example.test', 'xn--bcher-kva.example.test', true)).toBe(false); // A-label
  });

  it('refuses every wildcard when wildcards are off (RFC 5922 §7.2 behaviour)', () => {
    expect(checkServerIdentity(cert({ dns: ['*.example.test'] }), 'sip.example.test', { allowWildcards: false }).ok).toBe(false);
    expect(checkServerIdentity(cert({ dns: ['*.example.test'] }), 'sip.example.test').ok).toBe(true);
  });

  it('never lets a SIP URI SAN wildcard match (RFC 5922 §7.2)', () => {
    expect(checkServerIdentity(cert({ uri: ['sip:*.example.test'] }), 'sip.example.test').ok).toBe(false);
  });

  it('matches IP references against iPAddress SANs only, in canonical form', () => {
    expect(checkServerIdentity(cert({ ip: ['::1'] }), '[0:0:0:0:0:0:0:1]')).toMatchObject({ ok: true, source: 'ip-san' });
    expect(checkServerIdentity(cert({ ip: ['192.0.2.10'] }), '192.0.2.10').ok).toBe(true);
    expect(checkServerIdentity(cert({ dns: ['192.0.2.10'], cn: ['192.0.2.10'] }), '192.0.2.10').ok).toBe(false);
    expect(normaliseIp('2001:DB8::1')).toBe(normaliseIp('2001:db8:0:0:0:0:0:1'));
  });

  it('compares internationalised names as A-labels', () => {
    expect(checkServerIdentity(cert({ dns: ['xn--bcher-kva.example.test'] }), 'bücher.example.test').ok).toBe(true);
  });

  it('property: a wildcard never matches a name with a different number of labels', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 2, maxLength: 4 }), fc.array(label, { minLength: 1, maxLength: 6 }), (suffix, name) => {
        const pattern = ['*', ...suffix].join('.');
        const ref = name.join('.');
        if (name.length !== suffix.length + 1) expect(dnsNameMatches(pattern, ref, true)).toBe(false);
        else expect(dnsNameMatches(pattern, ref, true)).toBe(name.slice(1).join('.') === suffix.join('.'));
      }),
    );
  });
});
