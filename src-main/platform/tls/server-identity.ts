/**
 * Server identity check for SIP domains: RFC 5922 §7 (Domain Certificates in SIP) with the
 * RFC 6125 §6 rules for DNS names.
 *
 *  - RFC 5922 §7.1: identities are subjectAltName URIs of scheme `sip` without a user part, and
 *    subjectAltName dNSNames; the subject CN is used only when there is no subjectAltName at all.
 *  - RFC 5922 §7.2 / RFC 6125 §6.4.1: whole-name, case-insensitive comparison (no suffix match).
 *  - IP references (the SIP domain is an address literal) match iPAddress SANs only (RFC 6125 §1.7.2
 *    leaves IPs to RFC 5280 §4.2.1.6 byte comparison).
 *
 * DEVIATION(RFC 5922 §7.2): that section forbids wildcard matching. SIP providers commonly deploy
 * `*.domain` certificates (seed "Certificate Validation in SIP"), so dNSName wildcards are accepted
 * under the strict RFC 6125 §6.4.3 rules (a `*` that is the whole left-most label, matching exactly
 * one label, never in the last two labels, never with an A-label). `allowWildcards: false` restores
 * the RFC 5922 behaviour. SIP URI SANs never match wildcards.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { ParsedCertificate } from './parsed-certificate.js';

export type IdentitySource = 'sip-uri-san' | 'dns-san' | 'ip-san' | 'common-name';

export interface IdentityCheck {
  readonly ok: boolean;
  /** The reference identity as compared (lower-case A-label, or normalised IP). */
  readonly reference: string;
  readonly matched?: string;
  readonly source?: IdentitySource;
  /** Identities the certificate presents that were considered, for the report. */
  readonly presented: readonly string[];
}

export interface IdentityOptions {
  readonly allowWildcards?: boolean;
}

/** Normalises a DNS reference identity: lower-case, no trailing dot, IDNA A-labels. */
export function normaliseDnsName(name: string): string {
  const trimmed = name.trim().replace(/\.$/, '');
  // eslint-disable-next-line no-control-regex
  const ascii = /[^\x00-\x7f]/.test(trimmed) ? domainToASCII(trimmed) : trimmed;
  return ascii.toLowerCase();
}

/** Normalises an IP literal (with or without [brackets]) to a canonical comparison form. */
export function normaliseIp(ip: string): string | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(bare);
  if (family === 4) return bare.split('.').map((p) => String(Number(p))).join('.');
  if (family === 6) return expandIpv6(bare);
  return undefined;
}

function expandIpv6(ip: string): string {
  let s = ip.toLowerCase();
  // Embedded IPv4 tail (::ffff:1.2.3.4).
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4 !== null) {
    const parts = v4[1]!.split('.').map(Number);
    s = s.slice(0, -v4[1]!.length) + `${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g, 16).toString(16)).join(':');
}

export function isIpLiteral(host: string): boolean {
  return normaliseIp(host) !== undefined;
}

/** RFC 6125 §6.4.3 wildcard/exact match of one presented dNSName against a normalised reference. */
export function dnsNameMatches(presented: string, reference: string, allowWildcards: boolean): boolean {
  const p = normaliseDnsName(presented);
  if (p === '' || reference === '') return false;
  if (!p.includes('*')) return p === reference;
  if (!allowWildcards) return false;
  const pLabels = p.split('.');
  const rLabels = reference.split('.');
  // Only a complete left-most label may be '*', with at least two more labels after it.
  if (pLabels[0] !== '*' || pLabels.slice(1).some((l) => l.includes('*'))) return false;
  if (pLabels.length < 3) return false;
  if (pLabels.length !== rLabels.length) return false;
  if (rLabels[0] === '' || rLabels[0]!.startsWith('xn--')) return false;
  return pLabels.slice(1).join('.') === rLabels.slice(1).join('.');
}

/** The domain part of a `sip:`/`sips:` URI SAN that names a domain (no user part), lower-cased. */
export function sipUriDomain(uri: string): string | undefined {
  const m = /^sips?:([^;?]+)/i.exec(uri.trim());
  if (m === null) return undefined;
  const hostport = m[1]!;
  if (hostport.includes('@')) return undefined; // a user identity, not a domain (RFC 5922 §7.1)
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    return end < 0 ? undefined : hostport.slice(0, end + 1).toLowerCase();
  }
  return normaliseDnsName(hostport.replace(/:\d+$/, ''));
}

/** Checks `cert` against the SIP domain (or IP literal) the account connects to. */
export function checkServerIdentity(cert: ParsedCertificate, referenceHost: string, options: IdentityOptions = {}): IdentityCheck {
  const allowWildcards = options.allowWildcards ?? true;
  const ip = normaliseIp(referenceHost);
  if (ip !== undefined) {
    const presented = cert.sans.ip.map((a) => normaliseIp(a) ?? a);
    const hit = presented.find((a) => a === ip);
    return hit === undefined ? { ok: false, reference: ip, presented: cert.sans.ip } : { ok: true, reference: ip, matched: hit, source: 'ip-san', presented: cert.sans.ip };
  }

  const reference = normaliseDnsName(referenceHost);
  const presented: string[] = [];
  if (cert.hasSan) {
    for (const uri of cert.sans.uri) {
      const domain = sipUriDomain(uri);
      if (domain === undefined) continue;
      presented.push(uri);
      if (!domain.includes('*') && domain === reference) return { ok: true, reference, matched: uri, source: 'sip-uri-san', presented };
    }
    for (const dns of cert.sans.dns) {
      presented.push(dns);
      if (dnsNameMatches(dns, reference, allowWildcards)) return { ok: true, reference, matched: dns, source: 'dns-san', presented };
    }
    return { ok: false, reference, presented };
  }
  // RFC 6125 §6.4.4: the CN only when the certificate has no subjectAltName; no wildcard there.
  for (const cn of cert.subjectCommonNames) {
    presented.push(cn);
    if (!cn.includes('*') && normaliseDnsName(cn) === reference) return { ok: true, reference, matched: cn, source: 'common-name', presented };
  }
  return { ok: false, reference, presented };
}
