import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../base/result.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import type { DnsFailure, DnsPort, NaptrRecord, SrvRecord } from './dns-port.js';
import { Rfc3263Resolver } from './rfc3263-resolver.js';
import { orderSrvRecords } from './srv-order.js';

/** An in-memory zone; every query is logged. */
class FakeDns implements DnsPort {
  readonly queries: string[] = [];
  constructor(
    private readonly zone: {
      naptr?: Record<string, NaptrRecord[]>;
      srv?: Record<string, SrvRecord[]>;
      a?: Record<string, string[]>;
      aaaa?: Record<string, string[]>;
      fail?: Record<string, DnsFailure['kind']>;
    },
  ) {}
  private answer<T>(type: DnsFailure['type'], name: string, table: Record<string, T[]> | undefined): Promise<Result<readonly T[], DnsFailure>> {
    this.queries.push(`${type} ${name}`);
    const f = this.zone.fail?.[`${type} ${name}`];
    if (f !== undefined) return Promise.resolve(err({ kind: f, code: f === 'timeout' ? 'ETIMEOUT' : 'ESERVFAIL', name, type }));
    const v = table?.[name];
    return Promise.resolve(v === undefined || v.length === 0 ? err({ kind: 'no-records', code: 'ENODATA', name, type }) : ok(v));
  }
  resolveNaptr(n: string): Promise<Result<readonly NaptrRecord[], DnsFailure>> {
    return this.answer('NAPTR', n, this.zone.naptr);
  }
  resolveSrv(n: string): Promise<Result<readonly SrvRecord[], DnsFailure>> {
    return this.answer('SRV', n, this.zone.srv);
  }
  resolve4(n: string): Promise<Result<readonly string[], DnsFailure>> {
    return this.answer('A', n, this.zone.a);
  }
  resolve6(n: string): Promise<Result<readonly string[], DnsFailure>> {
    return this.answer('AAAA', n, this.zone.aaaa);
  }
}

const naptr = (order: number, pref: number, service: string, replacement: string): NaptrRecord => ({ order, preference: pref, flags: 's', service, regexp: '', replacement });
const srv = (priority: number, weight: number, port: number, name: string): SrvRecord => ({ priority, weight, port, name });

describe('RFC 3263 server location', () => {
  it('§4.1 numeric host: no DNS, UDP for sip and TLS for sips, default ports', async () => {
    const dns = new FakeDns({});
    const r = new Rfc3263Resolver(dns, new FakeRng());
    const plain = await r.locate({ host: '192.0.2.1', secure: false });
    expect(plain.ok && plain.value.targets).toEqual([expect.objectContaining({ transport: 'udp', address: '192.0.2.1', port: 5060, source: 'numeric' })]);
    const sips = await r.locate({ host: '[2001:db8::1]', secure: true });
    expect(sips.ok && sips.value.targets[0]).toMatchObject({ transport: 'tls', address: '2001:db8::1', family: 6, port: 5061, identity: '2001:db8::1' });
    expect(dns.queries).toEqual([]);
  });

  it('§4.2 explicit port: A/AAAA only, no NAPTR/SRV', async () => {
    const dns = new FakeDns({ a: { 'pbx.example.test': ['192.0.2.5'] }, aaaa: { 'pbx.example.test': ['2001:db8::5'] } });
    const r = await new Rfc3263Resolver(dns, new FakeRng()).locate({ host: 'pbx.example.test', port: 5071, transport: 'tls', secure: false });
    expect(r.ok && r.value.targets.map((t) => `${t.address}:${t.port}/${t.transport}`)).toEqual(['192.0.2.5:5071/tls', '2001:db8::5:5071/tls']);
    expect(dns.queries.some((q) => q.startsWith('NAPTR') || q.startsWith('SRV'))).toBe(false);
  });

  it('§4.1 NAPTR: follows order/preference, maps SIPS+D2T/SIP+D2T/SIP+D2U, then SRV and A', async () => {
    const dns = new FakeDns({
      naptr: {
        'example.test': [naptr(20, 10, 'SIP+D2U', '_sip._udp.example.test'), naptr(10, 20, 'SIP+D2T', '_sip._tcp.example.test'), naptr(10, 10, 'SIPS+D2T', '_sips._tcp.example.test')],
      },
      srv: { '_sips._tcp.example.test': [srv(10, 0, 5061, 'tls1.example.test')], '_sip._tcp.example.test': [srv(10, 0, 5060, 'tcp1.example.test')] },
      a: { 'tls1.example.test': ['192.0.2.10'], 'tcp1.example.test': ['192.0.2.11'] },
    });
    const r = await new Rfc3263Resolver(dns, new FakeRng()).locate({ host: 'example.test', secure: false, supported: ['tls', 'tcp'] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.targets.map((t) => `${t.transport} ${t.address}:${t.port} ${t.source}`)).toEqual(['tls 192.0.2.10:5061 naptr', 'tcp 192.0.2.11:5060 naptr']);
    // The identity stays the SIP domain, never the SRV target (RFC 5922 §4.1).
    expect(r.value.targets.every((t) => t.identity === 'example.test')).toBe(true);
    expect(r.value.targets[0]!.hostname).toBe('tls1.example.test');
  });

  it('for sips only TLS targets are produced, even when NAPTR offers UDP and TCP', async () => {
    const dns = new FakeDns({
      naptr: { 'example.test': [naptr(10, 10, 'SIP+D2U', '_sip._udp.example.test'), naptr(20, 10, 'SIPS+D2T', '_sips._tcp.example.test')] },
      srv: { '_sips._tcp.example.test': [srv(1, 1, 5061, 'sbc.example.test')], '_sip._udp.example.test': [srv(1, 1, 5060, 'udp.example.test')] },
      a: { 'sbc.example.test': ['192.0.2.20'], 'udp.example.test': ['192.0.2.21'] },
    });
    const r = await new Rfc3263Resolver(dns, new FakeRng()).locate({ host: 'example.test', secure: true });
    expect(r.ok && r.value.targets.map((t) => t.transport)).toEqual(['tls']);
    expect(dns.queries).not.toContain('SRV _sip._udp.example.test');
  });

  it('without NAPTR, queries SRV for each supported transport in preference order', async () => {
    const dns = new FakeDns({
      srv: { '_sips._tcp.example.test': [srv(10, 0, 5061, 'a.example.test')], '_sip._udp.example.test': [srv(10, 0, 5060, 'b.example.test')] },
      a: { 'a.example.test': ['192.0.2.1'], 'b.example.test': ['192.0.2.2'] },
    });
    const r = await new Rfc3263Resolver(dns, new FakeRng()).locate({ host: 'example.test', secure: false });
    expect(r.ok && r.value.targets.map((t) => `${t.transport}:${t.source}`)).toEqual(['tls:srv', 'udp:srv']);
  });

  it('with a transport parameter, uses only that SRV and falls back to A with the default port', async () => {
    const dns = new FakeDns({ a: { 'example.test': ['192.0.2.9'] } });
    const r = await new Rfc3263Resolver(dns, new FakeRng()).locate({ host: 'example.test', transport: 'tls', secure: false });
    expect(r.ok && r.value.targets).toEqual([expect.objectContaining({ transport: 'tls', address: '192.0.2.9', port: 5061, source: 'a-aaaa' })]);
    expect(dns.queries).toContain('SRV _sips._tcp.example.test');
    expect(dns.queries.some((q) => q.startsWith('NAPTR'))).toBe(false);
  });

  it('sips with transport=tcp means TLS (RFC 3261 §26.2.2); sips over UDP is refused', async () => {
    const dns = new FakeDns({ a: { 'example.test': ['192.0.2.9'] } });
    const r = new Rfc3263Resolver(dns, new FakeRng());
    const tcp = await r.locate({ host: 'example.test', transport: 'tcp', secure: true });
    expect(tcp.ok && tcp.value.targets[0]!.transport).toBe('tls');
    const udp = await r.locate({ host: 'example.test', transport: 'udp', secure: true });
    expect(udp.ok ? 'ok' : udp.error.code).toBe('no-targets');
  });

  it('the outbound proxy replaces the domain and becomes the TLS identity', async () => {
    const dns = new FakeDns({ a: { 'proxy.example.net': ['198.51.100.7'] } });
    const r = await new Rfc3263Resolver(dns, new FakeRng()).locate({ host: 'example.test', secure: true, outboundProxy: { host: 'proxy.example.net', port: 5061 } });
    expect(r.ok && r.value.targets[0]).toMatchObject({ address: '198.51.100.7', identity: 'proxy.example.net', transport: 'tls' });
    expect(r.ok && r.value.trace[0]).toMatch(/outbound proxy/);
  });

  it('reports `dns-failure` when the name does not resolve or the server fails', async () => {
    const r1 = await new Rfc3263Resolver(new FakeDns({}), new FakeRng()).locate({ host: 'nowhere.test', secure: false });
    expect(r1.ok ? 'ok' : r1.error.code).toBe('dns-failure');
    const r2 = await new Rfc3263Resolver(new FakeDns({ fail: { 'A nowhere.test': 'timeout' } }), new FakeRng()).locate({ host: 'nowhere.test', port: 5060, secure: false });
    expect(r2.ok ? 'ok' : r2.error.code).toBe('dns-failure');
  });

  it('honours the address family order option', async () => {
    const dns = new FakeDns({ a: { 'h.test': ['192.0.2.1'] }, aaaa: { 'h.test': ['2001:db8::1'] } });
    const v6 = await new Rfc3263Resolver(dns, new FakeRng(), { addressOrder: 'ipv6-first' }).locate({ host: 'h.test', port: 5061, transport: 'tls', secure: true });
    expect(v6.ok && v6.value.targets.map((t) => t.family)).toEqual([6, 4]);
    const only4 = await new Rfc3263Resolver(dns, new FakeRng(), { addressOrder: 'ipv4-only' }).locate({ host: 'h.test', port: 5061, transport: 'tls', secure: true });
    expect(only4.ok && only4.value.targets.map((t) => t.family)).toEqual([4]);
  });
});

describe('RFC 2782 SRV ordering', () => {
  it('orders by priority and drops the "." target', () => {
    const out = orderSrvRecords([srv(20, 0, 1, 'c'), srv(10, 5, 1, 'a'), srv(10, 5, 1, 'b'), srv(5, 0, 1, '.')], new FakeRng());
    expect(out.map((r) => r.priority)).toEqual([10, 10, 20]);
    expect(out.map((r) => r.name)).not.toContain('.');
  });

  it('drops SRV records with port 0: nothing can be connected there (fuzz crasher, issue 15)', () => {
    const out = orderSrvRecords([{ priority: 1, weight: 0, port: 0, name: 'zero' }, srv(2, 0, 1, 'ok')], new FakeRng());
    expect(out.map((r) => r.name)).toEqual(['ok']);
  });

  it('picks by weight: a 90/10 pair puts the heavy one first about 90% of the time', () => {
    const rng = new FakeRng(7);
    let heavyFirst = 0;
    for (let i = 0; i < 2000; i++) if (orderSrvRecords([srv(1, 10, 1, 'light'), srv(1, 90, 1, 'heavy')], rng)[0]!.name === 'heavy') heavyFirst++;
    expect(heavyFirst / 2000).toBeGreaterThan(0.85);
    expect(heavyFirst / 2000).toBeLessThan(0.95);
  });

  it('property: the output is a permutation of the usable input, sorted by priority', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ priority: fc.integer({ min: 0, max: 3 }), weight: fc.integer({ min: 0, max: 100 }), port: fc.constant(5061), name: fc.constantFrom('a', 'b', 'c', '.') })), fc.integer(), (recs, seed) => {
        const out = orderSrvRecords(recs, new FakeRng(seed));
        expect(out).toHaveLength(recs.filter((r) => r.name !== '.').length);
        for (let i = 1; i < out.length; i++) expect(out[i]!.priority).toBeGreaterThanOrEqual(out[i - 1]!.priority);
      }),
    );
  });
});
