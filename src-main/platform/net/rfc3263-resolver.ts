/**
 * RFC 3263 §4 "Client Usage": from a SIP/SIPS URI (or the outbound proxy) to an ordered list of
 * (transport, address, port) targets.
 *
 *  §4.1 transport: the URI's transport parameter; else UDP for sip / TLS for sips when the host is
 *       numeric or a port is given; else NAPTR (SIPS+D2T, SIP+D2T, SIP+D2U) by order/preference,
 *       else SRV for each supported transport (_sips._tcp, _sip._tcp, _sip._udp), else the default.
 *       For sips only TLS targets are produced.
 *  §4.2 port/address: numeric host or explicit port → A/AAAA (or the literal); otherwise SRV
 *       (RFC 2782 ordering, srv-order.ts) then A/AAAA of each target; no SRV → A/AAAA, default port.
 *  §4.3 failover is the caller's (connect-failover.ts): it tries every target in this order.
 *
 * The TLS identity of every target is the located domain, never an SRV/NAPTR target name
 * (RFC 5922 §4.1), so the connector sends SNI for and checks the certificate against that domain.
 */
import type { Rng } from '../../base/rng.js';
import { err, ok, type Result } from '../../base/result.js';
import { tlsError, type TlsError } from '../tls/tls-error.js';
import type { DnsFailure, DnsPort } from './dns-port.js';
import { DEFAULT_PORT, ipFamily, stripBrackets, type LocateRequest, type ResolvedTarget, type SipTransport, type TargetSource } from './sip-hop.js';
import { orderSrvRecords } from './srv-order.js';

export interface Resolution {
  readonly identity: string;
  readonly targets: readonly ResolvedTarget[];
  /** What was looked up and found, in order (diagnostics, CLI, logs). */
  readonly trace: readonly string[];
}

export interface SipServerLocator {
  locate(request: LocateRequest): Promise<Result<Resolution, TlsError>>;
}

export type AddressOrder = 'ipv4-first' | 'ipv6-first' | 'ipv4-only' | 'ipv6-only';

export interface ResolverOptions {
  readonly addressOrder?: AddressOrder;
}

const NAPTR_SERVICES: Readonly<Record<string, SipTransport>> = { 'SIPS+D2T': 'tls', 'SIP+D2T': 'tcp', 'SIP+D2U': 'udp' };

export function srvServiceName(transport: SipTransport, domain: string): string {
  return transport === 'tls' ? `_sips._tcp.${domain}` : transport === 'tcp' ? `_sip._tcp.${domain}` : `_sip._udp.${domain}`;
}

export class Rfc3263Resolver implements SipServerLocator {
  constructor(
    private readonly dns: DnsPort,
    private readonly rng: Rng,
    private readonly options: ResolverOptions = {},
  ) {}

  async locate(req: LocateRequest): Promise<Result<Resolution, TlsError>> {
    const hop = req.outboundProxy ?? req;
    const host = stripBrackets(hop.host).toLowerCase().replace(/\.$/, '');
    const trace: string[] = [];
    const failures: DnsFailure[] = [];
    const supported = (req.supported ?? (['tls', 'tcp', 'udp'] as const)).filter((t) => !req.secure || t === 'tls');
    if (req.outboundProxy !== undefined) trace.push(`outbound proxy ${host} overrides ${stripBrackets(req.host)}`);
    const done = (targets: ResolvedTarget[]): Result<Resolution, TlsError> => {
      if (targets.length > 0) return ok({ identity: host, targets, trace });
      const hard = failures.filter((f) => f.kind !== 'no-records');
      if (hard.length > 0 || failures.length > 0) {
        return err(tlsError('dns-failure', { domain: host, failures: failures.map((f) => `${f.type} ${f.name}: ${f.code}`), trace }));
      }
      return err(tlsError('no-targets', { domain: host, trace }));
    };
    if (supported.length === 0) return err(tlsError('no-targets', { domain: host, reason: 'no supported transport' }));

    let transport = hop.transport;
    if (transport !== undefined) {
      // RFC 3261 §26.2.2: sips with transport=tcp means TLS over TCP; sips over UDP does not exist here.
      if (req.secure && transport === 'tcp') transport = 'tls';
      if ((req.secure && transport === 'udp') || !supported.includes(transport)) {
        return err(tlsError('no-targets', { domain: host, reason: `transport ${transport} not allowed for this hop` }));
      }
    }
    const fallbackTransport: SipTransport = req.secure ? 'tls' : supported.includes('udp') ? 'udp' : supported[0]!;

    const family = ipFamily(host);
    if (family !== undefined) {
      const t = transport ?? fallbackTransport;
      const port = hop.port ?? DEFAULT_PORT[t];
      trace.push(`numeric host ${host}: ${t} port ${port}`);
      return done([{ transport: t, address: host, family, port, identity: host, hostname: host, source: 'numeric' }]);
    }

    if (hop.port !== undefined) {
      const t = transport ?? fallbackTransport;
      trace.push(`explicit port ${hop.port}: A/AAAA for ${host} (${t})`);
      return done(await this.addressTargets(host, hop.port, t, host, 'a-aaaa', trace, failures));
    }

    if (transport !== undefined) {
      const srv = await this.srvTargets(srvServiceName(transport, host), transport, host, 'srv', trace, failures);
      if (srv.length > 0) return done(srv);
      trace.push(`no SRV for ${transport}: A/AAAA for ${host} port ${DEFAULT_PORT[transport]}`);
      return done(await this.addressTargets(host, DEFAULT_PORT[transport], transport, host, 'a-aaaa', trace, failures));
    }

    const naptr = await this.dns.resolveNaptr(host);
    if (!naptr.ok) {
      if (naptr.error.kind !== 'no-records') failures.push(naptr.error);
      trace.push(`NAPTR ${host}: ${naptr.error.code}`);
    } else {
      const usable = naptr.value
        .filter((r) => r.flags.toLowerCase() === 's' && NAPTR_SERVICES[r.service.toUpperCase()] !== undefined)
        .filter((r) => supported.includes(NAPTR_SERVICES[r.service.toUpperCase()]!))
        .sort((a, b) => a.order - b.order || a.preference - b.preference);
      trace.push(`NAPTR ${host}: ${naptr.value.length} record(s), ${usable.length} usable (${usable.map((r) => r.service).join(', ') || 'none'})`);
      const targets: ResolvedTarget[] = [];
      for (const r of usable) {
        const t = NAPTR_SERVICES[r.service.toUpperCase()]!;
        targets.push(...(await this.srvTargets(r.replacement, t, host, 'naptr', trace, failures)));
      }
      if (targets.length > 0) return done(dedupe(targets));
    }

    const viaSrv: ResolvedTarget[] = [];
    for (const t of supported) viaSrv.push(...(await this.srvTargets(srvServiceName(t, host), t, host, 'srv', trace, failures)));
    if (viaSrv.length > 0) return done(dedupe(viaSrv));

    trace.push(`no NAPTR/SRV: A/AAAA for ${host} (${fallbackTransport} port ${DEFAULT_PORT[fallbackTransport]})`);
    return done(await this.addressTargets(host, DEFAULT_PORT[fallbackTransport], fallbackTransport, host, 'a-aaaa', trace, failures));
  }

  private async srvTargets(
    name: string,
    transport: SipTransport,
    identity: string,
    source: TargetSource,
    trace: string[],
    failures: DnsFailure[],
  ): Promise<ResolvedTarget[]> {
    const srv = await this.dns.resolveSrv(name);
    if (!srv.ok) {
      if (srv.error.kind !== 'no-records') failures.push(srv.error);
      trace.push(`SRV ${name}: ${srv.error.code}`);
      return [];
    }
    const ordered = orderSrvRecords(srv.value, this.rng);
    trace.push(`SRV ${name}: ${ordered.map((r) => `${r.name}:${r.port} (p${r.priority} w${r.weight})`).join(', ') || 'none usable'}`);
    const perTarget = await Promise.all(
      ordered.map((r) =>
        this.addressTargets(r.name.replace(/\.$/, ''), r.port, transport, identity, source, trace, failures).then((ts) =>
          ts.map((t) => ({ ...t, priority: r.priority, weight: r.weight })),
        ),
      ),
    );
    return perTarget.flat();
  }

  private async addressTargets(
    hostname: string,
    port: number,
    transport: SipTransport,
    identity: string,
    source: TargetSource,
    trace: string[],
    failures: DnsFailure[],
  ): Promise<ResolvedTarget[]> {
    const order = this.options.addressOrder ?? 'ipv4-first';
    const want4 = order !== 'ipv6-only';
    const want6 = order !== 'ipv4-only';
    const [a, aaaa] = await Promise.all([
      want4 ? this.dns.resolve4(hostname) : Promise.resolve(undefined),
      want6 ? this.dns.resolve6(hostname) : Promise.resolve(undefined),
    ]);
    const v4: ResolvedTarget[] = [];
    const v6: ResolvedTarget[] = [];
    for (const [res, list, family] of [
      [a, v4, 4],
      [aaaa, v6, 6],
    ] as const) {
      if (res === undefined) continue;
      if (!res.ok) {
        failures.push(res.error);
        continue;
      }
      for (const address of res.value) list.push({ transport, address, family, port, identity, hostname, source });
    }
    const all = order === 'ipv6-first' || order === 'ipv6-only' ? [...v6, ...v4] : [...v4, ...v6];
    trace.push(`A/AAAA ${hostname}: ${all.map((t) => t.address).join(', ') || 'none'}`);
    return all;
  }
}

function dedupe(targets: ResolvedTarget[]): ResolvedTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const k = `${t.transport}|${t.address}|${t.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
