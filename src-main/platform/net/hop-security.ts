/**
 * How safe is the next SIP hop? SDES (RFC 4568 §8.3) puts SRTP master keys in the SDP, so they
 * may only travel on a hop that is encrypted and authenticated: TLS with a verified server.
 * Plain TCP/UDP (and TLS in `insecure` mode) expose them to anyone on the path (seed: "SRTP Key
 * Exchange"; miniSIPServer note: "only when SIP messages are encrypted can the critical
 * information of SRTP be ensured not to be leaked").
 */
import type { CertificateReport, SecurityLevel } from '../tls/certificate-report.js';
import type { SipTransport } from './sip-hop.js';

export interface HopSecurity {
  readonly transport: SipTransport;
  readonly encrypted: boolean;
  /** `plaintext` for TCP/UDP; otherwise the TLS verdict level. */
  readonly level: SecurityLevel | 'plaintext';
  /** Whether SDES keys may be sent on this hop. */
  readonly sdesAllowed: boolean;
  /** Why the hop is less than fully secure (words for the person are made in services). */
  readonly weakness?: 'chain-only' | 'plaintext' | 'unverified';
}

export function hopSecurity(transport: SipTransport, report?: CertificateReport): HopSecurity {
  if (transport !== 'tls') {
    return {
      transport,
      encrypted: false,
      level: 'plaintext',
      sdesAllowed: false,
      weakness: 'plaintext',
    };
  }
  const level = report?.verdict.level ?? 'failed';
  switch (level) {
    case 'secure':
      return { transport, encrypted: true, level, sdesAllowed: true };
    case 'weaker':
      return {
        transport,
        encrypted: true,
        level,
        sdesAllowed: true,
        weakness: 'chain-only',
      };
    case 'insecure':
      return {
        transport,
        encrypted: true,
        level,
        sdesAllowed: false,
        weakness: 'unverified',
      };
    case 'failed':
      return { transport, encrypted: false, level, sdesAllowed: false, weakness: 'unverified' };
  }
}
