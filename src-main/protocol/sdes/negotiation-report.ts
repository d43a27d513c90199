/**
 * What a negotiation decided about media encryption, and why - for the call view, the CLI's media
 * event and `softphone sdp-answer`. Plain serializable data with NO key material: suites, tags,
 * lifetimes, MKI lengths and session parameter names only.
 */
import type { Logger } from '../../base/logger.js';
import type { SdesConfig, SignallingTransport, SrtpPolicy } from './sdes-config.js';

/** Why one offered a=crypto line was or was not taken. */
export type CryptoLineVerdict =
  | 'chosen'
  /** Acceptable, but an earlier line was chosen. */
  | 'acceptable'
  | 'malformed'
  | 'duplicate-tag'
  /** A suite we do not implement (F8, NULL cipher or auth, SEED, ARIA...). */
  | 'unsupported-suite'
  /** A suite we implement but the configuration does not allow. */
  | 'suite-not-allowed'
  | 'bad-key-length'
  | 'bad-lifetime'
  | 'bad-mki'
  /** A session parameter we do not understand and that is not marked optional ("-"). */
  | 'unsupported-session-param'
  /** UNENCRYPTED_SRTP, UNENCRYPTED_SRTCP or UNAUTHENTICATED_SRTP: refused by policy. */
  | 'weakening-session-param';

export interface CryptoLineReport {
  /** Tag as written, or -1 when the line could not be parsed far enough. */
  readonly tag: number;
  /** Suite as written ('' when unparseable). */
  readonly suite: string;
  /** The canonical suite when the spelling is a legacy one we understand. */
  readonly canonicalSuite?: string;
  readonly keyCount: number;
  readonly lifetime?: string;
  readonly mkiLength?: number;
  readonly sessionParams: readonly string[];
  readonly verdict: CryptoLineVerdict;
  readonly reason: string;
}

/** Closed list of reasons for a media stream's outcome. */
export type MediaReasonCode =
  | 'srtp-negotiated'
  | 'policy-off'
  | 'peer-offered-no-crypto'
  | 'peer-answered-no-crypto'
  | 'no-acceptable-crypto'
  | 'insecure-signalling'
  | 'dtls-srtp-not-supported'
  | 'answer-crypto-mismatch'
  | 'savp-without-crypto'
  | 'policy-requires-srtp'
  | 'stream-rejected'
  | 'unsupported-media'
  | 'no-common-codec'
  | 'not-offered';

export interface MediaSecurityReport {
  readonly index: number;
  readonly media: string;
  readonly offeredProfile: string;
  readonly answeredProfile?: string;
  readonly outcome: 'srtp' | 'rtp' | 'rejected';
  readonly reasonCode: MediaReasonCode;
  readonly reason: string;
  /** The a=crypto lines of the offer (ours when we offered, the peer's when we answer). */
  readonly cryptoOffered: readonly CryptoLineReport[];
  readonly chosen?: { readonly tag: number; readonly suite: string; readonly spelling: string };
  /** Set when a re-negotiation replaced keys (each direction separately). */
  readonly rekeyed?: { readonly send: boolean; readonly receive: boolean };
}

export type ReportWarningCode =
  | 'keys-over-insecure-signalling'
  | 'media-not-encrypted'
  | 'answer-renumbered-tag'
  | 'answer-several-crypto-lines'
  | 'short-key-lifetime'
  | 'ignored-session-param';

export interface ReportWarning {
  readonly code: ReportWarningCode;
  readonly message: string;
  readonly mediaIndex?: number;
}

export interface NegotiationReport {
  readonly role: 'offerer' | 'answerer';
  readonly policy: SrtpPolicy;
  readonly transport: SignallingTransport;
  /**
   * `encrypted`: every accepted stream uses SRTP. `unencrypted`: none does. `mixed`: some do.
   * `refused`: the call cannot go ahead (as answerer: answer 488 Not Acceptable Here).
   * `pending`: an offer was made and no answer has arrived.
   */
  readonly outcome: 'encrypted' | 'unencrypted' | 'mixed' | 'refused' | 'pending';
  /** 488 when refused as answerer (RFC 3261 §21.4.26, RFC 3264 §6). */
  readonly sipStatus?: 488;
  /** One sentence a person can act on. */
  readonly summary: string;
  readonly warnings: readonly ReportWarning[];
  readonly media: readonly MediaSecurityReport[];
}

/** Whole-session outcome from the streams' outcomes. */
export function sessionOutcome(media: readonly MediaSecurityReport[]): 'encrypted' | 'unencrypted' | 'mixed' | 'refused' {
  const accepted = media.filter((m) => m.outcome !== 'rejected');
  if (accepted.length === 0) return 'refused';
  const srtp = accepted.filter((m) => m.outcome === 'srtp').length;
  if (srtp === accepted.length) return 'encrypted';
  return srtp === 0 ? 'unencrypted' : 'mixed';
}

/** A short human-readable rendering (CLI, logs). Contains no key material by construction. */
export function formatNegotiationReport(r: NegotiationReport): string {
  const lines: string[] = [];
  lines.push(`SRTP negotiation (${r.role}, policy ${r.policy}, signalling over ${r.transport.toUpperCase()}): ${r.outcome}${r.sipStatus === undefined ? '' : ` -> SIP ${r.sipStatus}`}`);
  lines.push(`  ${r.summary}`);
  for (const w of r.warnings) lines.push(`  WARNING [${w.code}] ${w.message}`);
  for (const m of r.media) {
    lines.push(`  m=${m.media} #${m.index} ${m.offeredProfile}${m.answeredProfile === undefined ? '' : ` -> ${m.answeredProfile}`}: ${m.outcome} (${m.reasonCode}) ${m.reason}`);
    if (m.chosen !== undefined) lines.push(`    chosen: tag ${m.chosen.tag} ${m.chosen.spelling}`);
    for (const c of m.cryptoOffered) {
      const extras = [
        c.lifetime === undefined ? '' : `lifetime ${c.lifetime}`,
        c.mkiLength === undefined ? '' : `MKI ${c.mkiLength} octets`,
        c.keyCount > 1 ? `${c.keyCount} keys` : '',
        ...c.sessionParams,
      ].filter((x) => x !== '');
      lines.push(`    a=crypto tag ${c.tag} ${c.suite || '?'}${extras.length > 0 ? ` [${extras.join(', ')}]` : ''}: ${c.verdict}${c.reason === '' ? '' : ` - ${c.reason}`}`);
    }
  }
  return lines.join('\n');
}

function summarize(role: 'offerer' | 'answerer', media: readonly MediaSecurityReport[], outcome: NegotiationReport['outcome']): string {
  const audio = media.find((m) => m.media === 'audio') ?? media[0];
  switch (outcome) {
    case 'encrypted':
      return `Media is encrypted with SRTP (${[...new Set(media.filter((m) => m.chosen !== undefined).map((m) => m.chosen!.suite))].join(', ')}).`;
    case 'unencrypted':
      return `Media is NOT encrypted: ${media.find((m) => m.outcome === 'rtp')?.reason ?? 'plain RTP'}.`;
    case 'mixed':
      return `Some streams are NOT encrypted: ${media.find((m) => m.outcome === 'rtp')?.reason ?? 'plain RTP'}.`;
    case 'refused':
      return role === 'answerer'
        ? `Call refused with 488 Not Acceptable Here: ${audio?.reason ?? 'no acceptable media'}.`
        : `The answer is not acceptable: ${audio?.reason ?? 'no acceptable media'}.`;
    case 'pending':
      return audio?.cryptoOffered.length
        ? `Offered SRTP (${audio.cryptoOffered.map((c) => c.suite).join(', ')}) over ${audio.offeredProfile}; waiting for the answer.`
        : `Offered plain RTP: ${audio?.reason ?? ''}`;
  }
}

/** Assembles a session's report from its streams' reports (`pending`: an offer awaiting its answer). */
export function buildReport(
  role: 'offerer' | 'answerer',
  config: Pick<SdesConfig, 'policy' | 'transport'>,
  media: readonly MediaSecurityReport[],
  warnings: readonly ReportWarning[],
  pending = false,
): NegotiationReport {
  const outcome = pending ? 'pending' : sessionOutcome(media);
  return {
    role,
    policy: config.policy,
    transport: config.transport,
    outcome,
    ...(outcome === 'refused' && role === 'answerer' ? { sipStatus: 488 as const } : {}),
    summary: summarize(role, media, outcome),
    warnings,
    media,
  };
}

/** Logs a report: the summary at info, each warning at warn (no key material in either). */
export function logReport(logger: Logger | undefined, report: NegotiationReport): NegotiationReport {
  if (logger === undefined) return report;
  logger.info(`SRTP ${report.role}: ${report.summary}`, { outcome: report.outcome, policy: report.policy, transport: report.transport });
  for (const w of report.warnings) logger.warn(`SRTP: ${w.message}`, { code: w.code, ...(w.mediaIndex === undefined ? {} : { mediaIndex: w.mediaIndex }) });
  return report;
}
