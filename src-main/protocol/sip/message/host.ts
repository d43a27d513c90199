/**
 * host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1), with the IPv6 tolerance of
 * RFC 5118 §4.10: `2001:db8:::192.0.2.1` (three colons before an embedded IPv4 address) is derivable
 * from RFC 3261's ABNF; we accept it and read it as `2001:db8::192.0.2.1`.
 */
import { isAlpha, isDigit, isHex } from './char-classes.js';

export type HostKind = 'name' | 'ipv4' | 'ipv6';

/** Classifies a host as written (IPv6 with its brackets); undefined when it is not a valid host. */
export function classifyHost(host: string): HostKind | undefined {
  if (host.length === 0) return undefined;
  if (host.charCodeAt(0) === 0x5b /* [ */) {
    if (host.charCodeAt(host.length - 1) !== 0x5d) return undefined;
    return isIpv6(host.slice(1, -1)) ? 'ipv6' : undefined;
  }
  if (isIpv4(host)) return 'ipv4';
  return isHostname(host) ? 'name' : undefined;
}

/** IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each 0..255. */
export function isIpv4(s: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || value > 255) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (isDigit(c)) {
      if (++digits > 3) return false;
      value = value * 10 + (c - 0x30);
    } else return false;
  }
  return parts === 4;
}

/**
 * hostname = *( domainlabel "." ) toplabel [ "." ]; domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum;
 * toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum.
 */
export function isHostname(s: string): boolean {
  const end = s.charCodeAt(s.length - 1) === 0x2e ? s.length - 1 : s.length;
  if (end === 0) return false;
  let labelStart = 0;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (i === labelStart) return false;
      if (s.charCodeAt(labelStart) === 0x2d || s.charCodeAt(i - 1) === 0x2d) return false;
      if (i === end && !isAlpha(s.charCodeAt(labelStart))) return false;
      labelStart = i + 1;
    } else if (!(isAlpha(c) || isDigit(c) || c === 0x2d)) return false;
  }
  return true;
}

/** IPv6address (RFC 4291 §2.2 text forms), tolerating RFC 5118 §4.10's ":::" before an embedded IPv4 address. */
export function isIpv6(input: string): boolean {
  let s = input;
  const lastColon = s.lastIndexOf(':');
  let groupsBudget = 8;
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    if (!isIpv4(s.slice(lastColon + 1))) return false;
    groupsBudget = 6;
    s = s.slice(0, lastColon + 1);
    // "x:" or "::" now ends s; turn "a:b:::" (RFC 5118 §4.10) into "a:b::" and "a:b:" into "a:b".
    if (s.endsWith(':::')) s = s.slice(0, -1);
    if (s.endsWith('::')) {
      /* keep "::" */
    } else s = s.slice(0, -1);
    if (s === '') return false;
  }
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return false;
  const groups = (part: string): number => {
    if (part === '') return 0;
    let n = 0;
    for (const g of part.split(':')) {
      if (g.length === 0 || g.length > 4) return -1;
      for (let i = 0; i < g.length; i++) if (!isHex(g.charCodeAt(i))) return -1;
      n++;
    }
    return n;
  };
  if (dbl < 0) return groups(s) === groupsBudget;
  const left = groups(s.slice(0, dbl));
  const right = groups(s.slice(dbl + 2));
  return left >= 0 && right >= 0 && left + right < groupsBudget;
}

/** The address without IPv6 brackets, lower-cased (for comparisons and sockets). */
export function hostAddress(host: string): string {
  const h = host.charCodeAt(0) === 0x5b ? host.slice(1, -1) : host;
  return h.toLowerCase();
}
