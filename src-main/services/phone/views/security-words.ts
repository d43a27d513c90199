/**
 * Words for how a call or a connection is protected: SRTP negotiation outcomes (the negotiator's
 * closed reason and warning codes, protocol/sdes/negotiation-report.ts) and the weakness of a
 * signalling hop (platform hop security). Made here once, for every face.
 */
import type { MediaReasonCode, ReportWarningCode } from '../../../protocol/sdes/negotiation-report.js';

export const MEDIA_REASON_WORDS: Readonly<Record<MediaReasonCode, string>> = {
  'srtp-negotiated': 'Both sides agreed on SRTP with keys exchanged over the encrypted signalling (SDES).',
  'policy-off': 'Encryption is turned off for this account.',
  'peer-offered-no-crypto': 'The other side offered no encryption (plain RTP).',
  'peer-answered-no-crypto': 'The other side answered without encryption.',
  'no-acceptable-crypto': 'None of the offered encryption suites is allowed for this account.',
  'insecure-signalling': 'The connection to the server is not verified TLS, so no encryption keys may be sent.',
  'dtls-srtp-not-supported': 'The other side offered only DTLS-SRTP; this phone uses SDES keys.',
  'answer-crypto-mismatch': 'The answer chose an encryption suite that was not offered.',
  'savp-without-crypto': 'The other side asked for SRTP but sent no keys.',
  'policy-requires-srtp': 'Encryption is mandatory for this account and the other side offered none.',
  'stream-rejected': 'The audio stream was rejected.',
  'unsupported-media': 'The media type is not supported.',
  'no-common-codec': 'There is no audio codec both sides support.',
  'not-offered': 'The stream was not offered.',
};

export const MEDIA_WARNING_WORDS: Readonly<Record<ReportWarningCode, string>> = {
  'keys-over-insecure-signalling': 'Encryption keys were sent over a connection that is not verified TLS (allowed by this account’s settings).',
  'media-not-encrypted': 'This call is NOT encrypted: anyone on the network path can listen.',
  'answer-renumbered-tag': 'The other side renumbered the crypto line in its answer (tolerated).',
  'answer-several-crypto-lines': 'The answer carried several keys; the first acceptable one is used.',
  'short-key-lifetime': 'The key lifetime is short; keys are renewed during the call.',
  'ignored-session-param': 'An optional SRTP parameter of the other side was ignored.',
};

export type HopWeakness = 'chain-only' | 'plaintext' | 'unverified';

/** Shown whenever the signalling hop is less than fully secure. */
export function hopWarning(weakness: HopWeakness | undefined, transport: 'tls' | 'tcp' | 'udp'): string | null {
  switch (weakness) {
    case undefined:
      return null;
    case 'chain-only':
      return 'The server certificate is trusted but not checked against the SIP domain (chain-only); this is weaker than full verification.';
    case 'plaintext':
      return `SIP over ${transport.toUpperCase()} is not encrypted: call signalling can be read and changed on the network, and SRTP keys (SDES) are not sent.`;
    case 'unverified':
      return 'The server certificate is not verified (insecure mode): anyone on the path can intercept calls; SRTP keys (SDES) are not sent.';
  }
}
