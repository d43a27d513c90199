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
  /** Shown to the person whenever the hop is not fully secure. */
  readonly warning?: string;
}

export function hopSecurity(transport: SipTransport, report?: CertificateReport): HopSecurity {
  if (transport !== 'tls') {
    return {
      transport,
      encrypted: false,
      level: 'plaintext',
      sdesAllowed: false,
      warning: `SIP over ${transport.toUpperCase()} is not encrypted: call signalling can be read and changed on the network, and SRTP keys (SDES) must not be sent.`,
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
        warning: 'The server certificate is trusted but not checked against the SIP domain (chain-only); this is weaker than full verification.',
      };
    case 'insecure':
      return {
        transport,
        encrypted: true,
        level,
        sdesAllowed: false,
        warning: 'The server certificate is not verified (insecure mode): anyone on the path can intercept calls; SRTP keys (SDES) are not sent.',
      };
    case 'failed':
      return { transport, encrypted: false, level, sdesAllowed: false, warning: 'The connection is not verified.' };
  }
}
