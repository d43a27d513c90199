import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CertificateReport } from '../tls/certificate-report.js';
import { hopSecurity } from './hop-security.js';
import { NatBindingTracker, viaSentBy, viaTransportToken } from './nat-binding.js';
import { formatHostPort, parseHostPort } from './sip-hop.js';

const report = (level: CertificateReport['verdict']['level']): CertificateReport => ({ verdict: { ok: level !== 'failed', level, notes: [] } }) as unknown as CertificateReport;

describe('hop security (SDES only on verified TLS)', () => {
  it('allows SDES only on TLS whose server is verified (secure, chain-only weaker)', () => {
    expect(hopSecurity('tls', report('secure'))).toMatchObject({ encrypted: true, sdesAllowed: true });
    expect(hopSecurity('tls', report('weaker'))).toMatchObject({ sdesAllowed: true, weakness: 'chain-only' });
    expect(hopSecurity('tls', report('insecure'))).toMatchObject({ sdesAllowed: false, weakness: 'unverified' });
    expect(hopSecurity('tcp')).toMatchObject({ encrypted: false, level: 'plaintext', sdesAllowed: false, weakness: 'plaintext' });
    expect(hopSecurity('udp').weakness).toBe('plaintext');
    expect(hopSecurity('tls', report('secure')).weakness).toBeUndefined();
  });
});

describe('Via and NAT binding (RFC 3581)', () => {
  it('formats sent-protocol and sent-by with rport, bracketing IPv6', () => {
    expect(viaTransportToken('tls')).toBe('TLS');
    expect(viaSentBy('tls', '192.0.2.4', 5061)).toBe('SIP/2.0/TLS 192.0.2.4:5061;rport');
    expect(viaSentBy('udp', '2001:db8::4', 5060)).toBe('SIP/2.0/UDP [2001:db8::4]:5060;rport');
  });

  it('learns received/rport, reports behind-NAT and fires only on change', () => {
    const t = new NatBindingTracker({ address: '10.0.0.2', port: 50123 });
    const seen: unknown[] = [];
    t.onChange((b) => seen.push(b));
    expect(t.behindNat).toBe(false);
    expect(t.observe({})).toBe(false);
    expect(t.observe({ received: '203.0.113.9', rport: 61000 })).toBe(true);
    expect(t.observe({ received: '203.0.113.9', rport: 61000 })).toBe(false);
    expect(t.observe({ rport: 70000 })).toBe(false); // out of range: ignored
    expect(t.contact).toEqual({ address: '203.0.113.9', port: 61000 });
    expect(t.behindNat).toBe(true);
    expect(seen).toHaveLength(1);
    t.dispose();
  });
});

describe('HOST[:PORT] parsing', () => {
  it('reads names, IPv4, bracketed and bare IPv6, and refuses garbage', () => {
    expect(parseHostPort('sip.example.com:5061')).toEqual({ host: 'sip.example.com', port: 5061 });
    expect(parseHostPort('192.0.2.1')).toEqual({ host: '192.0.2.1' });
    expect(parseHostPort('[2001:db8::1]:5061')).toEqual({ host: '2001:db8::1', port: 5061 });
    expect(parseHostPort('2001:db8::1')).toEqual({ host: '2001:db8::1' });
    for (const bad of ['', 'a:b:c', 'host:0', 'host:70000', '[::1', '[nothost]:1', 'ho st']) expect(parseHostPort(bad), bad).toBeUndefined();
  });

  it('fuzz: never throws; formatted host:port parses back', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseHostPort(s)));
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()), fc.integer({ min: 1, max: 65535 }), (host, port) => {
        const back = parseHostPort(formatHostPort(host, port));
        expect(back?.port).toBe(port);
      }),
    );
  });
});
