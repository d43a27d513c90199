/**
 * DNS as a port (DESIGN.md rule 7): the RFC 3263 resolver only sees this interface. The Node
 * adapter wraps a `dns.promises.Resolver`, so tests point it at a DNS server they start on
 * 127.0.0.1 (`setServers`) and production can use the system's servers or configured ones.
 */
import { promises as dnsPromises } from 'node:dns';
import { err, ok, type Result } from '../../base/result.js';

export interface NaptrRecord {
  readonly order: number;
  readonly preference: number;
  readonly flags: string;
  readonly service: string;
  readonly regexp: string;
  readonly replacement: string;
}

export interface SrvRecord {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly name: string;
}

/** `no-records`: the name exists but has no records of this type (or does not exist) - not an error for RFC 3263. */
export type DnsFailureKind = 'no-records' | 'timeout' | 'server-failure' | 'refused' | 'other';

export interface DnsFailure {
  readonly kind: DnsFailureKind;
  readonly code: string;
  readonly name: string;
  readonly type: 'NAPTR' | 'SRV' | 'A' | 'AAAA';
}

export interface DnsPort {
  resolveNaptr(name: string): Promise<Result<readonly NaptrRecord[], DnsFailure>>;
  resolveSrv(name: string): Promise<Result<readonly SrvRecord[], DnsFailure>>;
  resolve4(name: string): Promise<Result<readonly string[], DnsFailure>>;
  resolve6(name: string): Promise<Result<readonly string[], DnsFailure>>;
}

function classify(code: string): DnsFailureKind {
  switch (code) {
    case 'ENODATA':
    case 'ENOTFOUND':
    case 'NOTFOUND':
    case 'ENONAME':
      return 'no-records';
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ESERVFAIL':
    case 'SERVFAIL':
      return 'server-failure';
    case 'EREFUSED':
    case 'ECONNREFUSED':
      return 'refused';
    default:
      return 'other';
  }
}

export interface NodeDnsOptions {
  /** DNS servers (`ip` or `ip:port`); default: the system's. */
  readonly servers?: readonly string[];
  /** Per-query timeout in ms (c-ares `timeout`), default 2000. */
  readonly timeoutMs?: number;
  /** Attempts per server (c-ares `tries`), default 2. */
  readonly tries?: number;
}

export class NodeDnsPort implements DnsPort {
  private readonly resolver: dnsPromises.Resolver;

  constructor(options: NodeDnsOptions = {}, resolver?: dnsPromises.Resolver) {
    this.resolver = resolver ?? new dnsPromises.Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 });
    if (options.servers !== undefined) this.resolver.setServers([...options.servers]);
  }

  /** Cancels outstanding queries (they fail with ECANCELLED). */
  cancel(): void {
    this.resolver.cancel();
  }

  resolveNaptr(name: string): Promise<Result<readonly NaptrRecord[], DnsFailure>> {
    return this.run(name, 'NAPTR', () => this.resolver.resolveNaptr(name));
  }

  resolveSrv(name: string): Promise<Result<readonly SrvRecord[], DnsFailure>> {
    return this.run(name, 'SRV', () => this.resolver.resolveSrv(name));
  }

  resolve4(name: string): Promise<Result<readonly string[], DnsFailure>> {
    return this.run(name, 'A', () => this.resolver.resolve4(name));
  }

  resolve6(name: string): Promise<Result<readonly string[], DnsFailure>> {
    return this.run(name, 'AAAA', () => this.resolver.resolve6(name));
  }

  private async run<T>(name: string, type: DnsFailure['type'], q: () => Promise<T>): Promise<Result<T, DnsFailure>> {
    try {
      return ok(await q());
    } catch (e) {
      const code = String((e as { code?: unknown }).code ?? 'EUNKNOWN');
      return err({ kind: classify(code), code, name, type });
    }
  }
}
