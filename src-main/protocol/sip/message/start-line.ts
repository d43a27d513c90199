/**
 * Start lines (RFC 3261 §7.1, §7.2, §25.1):
 *   Request-Line = Method SP Request-URI SP SIP-Version CRLF
 *   Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
 * Strict about single SPs (RFC 4475 §3.1.2.8–3.1.2.10 may be rejected) and `<>` around the
 * Request-URI (§3.1.2.7); SIP versions other than 2.0 get 505 (§3.1.2.16, RFC 3261 §8.2.1).
 * DEVIATION(RFC 3261 §25.1): a Status-Line without the SP and Reason-Phrase (`SIP/2.0 200`) is
 * accepted with an empty reason: some gateways send it, and nothing is ambiguous.
 */
import { byteStringToText } from './byte-string.js';
import { TOKEN, allIn, isDigit } from './char-classes.js';
import { Cursor } from './cursor.js';
import { sipParseError, type SipParseError } from './sip-parse-error.js';
import { parseUriAt, type Uri } from './uri.js';

export type StartLine =
  | { readonly kind: 'request'; readonly method: string; readonly uri: Uri }
  | { readonly kind: 'response'; readonly status: number; readonly reason: string };

/** Partial information even when the line is bad (for diagnostics and error responses). */
export interface StartLineResult {
  readonly line: StartLine | undefined;
  readonly kind: 'request' | 'response' | undefined;
  readonly method: string | undefined;
  readonly status: number | undefined;
  readonly error: SipParseError | undefined;
}

/** True when the line starts like a Status-Line ("SIP/", case-insensitive: '/' is not a token char). */
export function looksLikeStatusLine(line: string): boolean {
  return line.length >= 4 && line.charCodeAt(3) === 0x2f && line.slice(0, 3).toUpperCase() === 'SIP';
}

/** Checks a SIP-Version token: undefined when fine, else the error. */
function checkVersion(v: string, where: string): SipParseError | undefined {
  if (v === 'SIP/2.0') return undefined;
  const m = /^SIP\/(\d+)\.(\d+)$/i.exec(v);
  if (m === null) return sipParseError('bad-start-line', `Malformed SIP-Version In ${where}`, `malformed SIP-Version "${v}"`);
  if (Number(m[1]) !== 2 || Number(m[2]) !== 0) return sipParseError('bad-version', 'Version Not Supported', `unsupported SIP version ${v}`);
  return undefined;
}

export function parseStartLine(line: string): StartLineResult {
  if (looksLikeStatusLine(line)) return parseStatusLine(line);
  return parseRequestLine(line);
}

function failResponse(error: SipParseError, status?: number): StartLineResult {
  return { line: undefined, kind: 'response', method: undefined, status, error };
}

function failRequest(method: string, error: SipParseError): StartLineResult {
  return { line: undefined, kind: 'request', method, status: undefined, error };
}

function parseStatusLine(line: string): StartLineResult {
  const sp1 = line.indexOf(' ');
  const versionError = checkVersion(sp1 < 0 ? line : line.slice(0, sp1), 'Status-Line');
  if (versionError !== undefined) return failResponse(versionError);
  let p = sp1 + 1;
  while (p < line.length && isDigit(line.charCodeAt(p))) p++;
  const code = line.slice(sp1 + 1, p);
  if (code.length !== 3 || (p < line.length && line.charCodeAt(p) !== 0x20)) {
    return failResponse(sipParseError('bad-status-code', 'Invalid Status Code', `Status-Code "${line.slice(sp1 + 1, p) || line.slice(sp1 + 1, sp1 + 13)}" is not 3 digits`));
  }
  const status = Number(code);
  if (status < 100 || status > 699) return failResponse(sipParseError('bad-status-code', 'Invalid Status Code', `Status-Code ${status} outside 100..699`), status);
  const reasonRaw = p < line.length ? line.slice(p + 1) : '';
  for (let i = 0; i < reasonRaw.length; i++) {
    const ch = reasonRaw.charCodeAt(i);
    if ((ch < 0x20 && ch !== 0x09) || ch === 0x7f) return failResponse(sipParseError('bad-reason-phrase', 'Invalid Reason Phrase', 'control character in Reason-Phrase'), status);
  }
  return { line: { kind: 'response', status, reason: byteStringToText(reasonRaw) }, kind: 'response', method: undefined, status, error: undefined };
}

function parseRequestLine(line: string): StartLineResult {
  const sp1 = line.indexOf(' ');
  const method = sp1 < 0 ? line : line.slice(0, sp1);
  if (!allIn(TOKEN, method)) {
    return { line: undefined, kind: undefined, method: undefined, status: undefined, error: sipParseError(sp1 < 0 ? 'bad-start-line' : 'bad-method', sp1 < 0 ? 'Malformed Request-Line' : 'Malformed Method', `"${method.slice(0, 40)}" is not a method token`) };
  }
  const sp2 = line.lastIndexOf(' ');
  if (sp1 < 0 || sp2 === sp1) return failRequest(method, sipParseError('bad-start-line', 'Malformed Request-Line', 'Request-Line needs Method SP Request-URI SP SIP-Version'));
  if (line.charCodeAt(sp1 + 1) === 0x20) return failRequest(method, sipParseError('bad-start-line', 'Extra Whitespace In Request-Line', 'more than one SP between Request-Line elements'));
  if (sp2 === line.length - 1) return failRequest(method, sipParseError('bad-start-line', 'Trailing Whitespace In Request-Line', 'SP after SIP-Version'));
  const versionError = checkVersion(line.slice(sp2 + 1), 'Request-Line');
  if (versionError !== undefined) return failRequest(method, versionError);
  if (line.charCodeAt(sp2 - 1) === 0x20) return failRequest(method, sipParseError('bad-start-line', 'Extra Whitespace In Request-Line', 'more than one SP between Request-Line elements'));
  const uriStart = sp1 + 1;
  const inner = line.indexOf(' ', uriStart);
  if (inner < sp2) return failRequest(method, sipParseError('bad-request-uri', 'Whitespace In Request-URI', 'LWS inside the Request-URI'));
  if (line.charCodeAt(uriStart) === 0x3c) return failRequest(method, sipParseError('bad-request-uri', 'Request-URI Enclosed In <>', 'the Request-URI must not be enclosed in <>'));
  const c = new Cursor(line, uriStart, sp2);
  const uri = parseUriAt(c, sp2, 'request-uri');
  if (uri === undefined) {
    const headers = c.error?.startsWith('escaped headers') === true;
    return failRequest(method, sipParseError('bad-request-uri', headers ? 'Headers Not Allowed In Request-URI' : 'Malformed Request-URI', c.error ?? 'malformed Request-URI'));
  }
  return { line: { kind: 'request', method, uri }, kind: 'request', method, status: undefined, error: undefined };
}
