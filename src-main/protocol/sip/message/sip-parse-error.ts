/**
 * Typed parse errors (DESIGN.md rule 4): malformed network input is a value, never an exception.
 * RFC 3261 §21.4.1 (400 Bad Request: "the reason phrase SHOULD identify the syntax problem in more
 * detail") and §21.5.6 (505 Version Not Supported).
 */
import type { CodedError } from '../../../base/result.js';

export type SipParseErrorCode =
  | 'empty' // nothing but CRLF (keep-alive) or no bytes at all
  | 'bad-start-line' // neither a Request-Line nor a Status-Line
  | 'bad-version' // SIP-Version other than SIP/2.0 (505)
  | 'bad-method' // method is not a token
  | 'bad-request-uri' // Request-URI malformed (or <>-enclosed, LWS inside, escaped headers)
  | 'bad-status-code' // Status-Code not 3 digits in 100..699
  | 'bad-reason-phrase' // control characters in the Reason-Phrase
  | 'unterminated-headers' // no empty line ends the header section
  | 'bad-header-line' // a header line without a colon or with a non-token name
  | 'bad-header-value' // a known header whose value does not match its grammar
  | 'missing-header' // a mandatory header (RFC 3261 §8.1.1) is absent
  | 'duplicate-header' // a single-valued header appears more than once (RFC 4475 §3.3.8)
  | 'bad-content-length' // negative, non-numeric, overlarge or conflicting Content-Length
  | 'truncated-body' // Content-Length larger than the bytes available (RFC 4475 §3.1.2.2)
  | 'cseq-method-mismatch' // CSeq method differs from the request method (RFC 4475 §3.1.2.17)
  | 'too-large' // message exceeds the configured size limit (stream framer)
  | 'too-many-headers'; // header count exceeds the configured limit (stream framer)

export interface SipParseError extends CodedError<SipParseErrorCode> {
  /** A short ASCII phrase for the Reason-Phrase of the error response (no CR/LF), e.g. "Malformed Via Header". */
  readonly reason: string;
  /** The status a server would answer with: 400, or 505 for an unsupported SIP version, 513 for too large. */
  readonly status: 400 | 505 | 513;
  /** The header concerned, in canonical form, when the problem is in one header. */
  readonly header?: string;
}

const STATUS: Partial<Record<SipParseErrorCode, 505 | 513>> = { 'bad-version': 505, 'too-large': 513 };

export function sipParseError(
  code: SipParseErrorCode,
  reason: string,
  message: string,
  header?: string,
  detail?: Readonly<Record<string, unknown>>,
): SipParseError {
  const status: 400 | 505 | 513 = STATUS[code] ?? 400;
  const base = { code, reason: sanitizeReason(reason), status, message };
  const withHeader = header === undefined ? base : { ...base, header };
  return detail === undefined ? withHeader : { ...withHeader, detail };
}

/** Keeps a reason phrase printable ASCII on one line. */
function sanitizeReason(reason: string): string {
  const clean = reason.replace(/[^\x20-\x7e]/g, ' ').trim();
  return clean === '' ? 'Bad Request' : clean.slice(0, 100);
}
