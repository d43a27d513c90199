/**
 * SDP parser (RFC 8866 §5, §9 grammar; RFC 4566), tolerant of what PBXs and phones really send:
 * CRLF or bare LF (or CR) line ends, trailing whitespace, blank lines, a byte-order mark, lines of
 * a level in any order, a missing or empty s= or t=, and line types SDP does not define (kept).
 *
 * Strict where it matters: v=0 must come first, o= and every m= line must be well-formed, ports and
 * numbers must be numbers. Errors are values with a closed code, the line number, and a snippet
 * with SDES key material removed (DESIGN.md rules 3 and 4).
 */
import { redactText } from '../../base/redact.js';
import { codedError, err, ok, type CodedError, type Result } from '../../base/result.js';
import type {
  Attribute,
  Bandwidth,
  Connection,
  MediaDescription,
  Origin,
  SessionDescription,
  TimeDescription,
  UnknownLine,
} from './session-description.js';

export type SdpParseErrorCode =
  | 'empty'
  | 'too-large'
  | 'missing-version'
  | 'bad-version'
  | 'missing-origin'
  | 'bad-origin'
  | 'bad-line'
  | 'bad-connection'
  | 'bad-bandwidth'
  | 'bad-time'
  | 'bad-media-line'
  | 'duplicate-line';

export type SdpParseError = CodedError<SdpParseErrorCode>;

/** Larger bodies are refused (a SIP message body of this size is not an SDP offer). */
export const MAX_SDP_LENGTH = 65536;

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

interface MutableMedia {
  type: string;
  port: number;
  portCount?: number;
  protocol: string;
  formats: string[];
  information?: string;
  connections: Connection[];
  bandwidths: Bandwidth[];
  encryptionKey?: string;
  attributes: Attribute[];
  unknownLines: UnknownLine[];
}

/**
 * Strips spaces and tabs at both ends. Not `/^[ \t]+|[ \t]+$/g`: on a long run of blanks inside a
 * line that regex is quadratic (16 KB took seconds; found by fuzzing, test/corpus/sdp/crashers).
 */
function trimWsp(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return s.slice(a, b);
}

function fail(code: SdpParseErrorCode, message: string, lineNumber?: number, line?: string): Result<never, SdpParseError> {
  const detail: Record<string, unknown> = {};
  if (lineNumber !== undefined) detail.line = lineNumber;
  if (line !== undefined) detail.text = redactText(line.length > 80 ? `${line.slice(0, 80)}...` : line);
  return err(codedError(code, message, Object.keys(detail).length > 0 ? detail : undefined));
}

function parseConnection(value: string): Connection | undefined {
  const parts = value.trim().split(/[ \t]+/);
  if (parts.length !== 3 || !parts.every((p) => p.length > 0)) return undefined;
  return { netType: parts[0]!, addrType: parts[1]!, address: parts[2]! };
}

function parseBandwidth(value: string): Bandwidth | undefined {
  const m = /^([A-Za-z0-9_\-.]+):[ \t]*([0-9]{1,10})$/.exec(value.trim());
  if (m === null) return undefined;
  return { type: m[1]!, value: Number(m[2]) };
}

function parseOrigin(value: string): Origin | undefined {
  const parts = value.trim().split(/[ \t]+/);
  if (parts.length !== 6 || !parts.every((p) => p.length > 0)) return undefined;
  const [username, sessionId, sessionVersion, netType, addrType, address] = parts as [string, string, string, string, string, string];
  if (!/^[0-9]{1,40}$/.test(sessionId) || !/^[0-9]{1,40}$/.test(sessionVersion)) return undefined;
  return { username, sessionId, sessionVersion, netType, addrType, address };
}

function parseMediaLine(value: string): MutableMedia | undefined {
  const parts = value.split(/[ \t]+/).filter((p) => p.length > 0);
  if (parts.length < 3) return undefined;
  const [type, portText, protocol, ...formats] = parts as [string, string, string, ...string[]];
  const pm = /^([0-9]{1,5})(?:\/([0-9]{1,5}))?$/.exec(portText);
  if (pm === null || !TOKEN.test(type) || !/^[A-Za-z0-9/_.-]+$/.test(protocol)) return undefined;
  const port = Number(pm[1]);
  if (port > 65535) return undefined;
  if (!formats.every((f) => TOKEN.test(f))) return undefined;
  const media: MutableMedia = { type, port, protocol, formats, connections: [], bandwidths: [], attributes: [], unknownLines: [] };
  if (pm[2] !== undefined) media.portCount = Number(pm[2]);
  return media;
}

function parseAttribute(value: string): Attribute | undefined {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  if (name.length === 0 || !TOKEN.test(name)) return undefined;
  return colon < 0 ? { name } : { name, value: value.slice(colon + 1) };
}

/** Parses an SDP body (text, or UTF-8 bytes). */
export function parseSdp(input: string | Uint8Array): Result<SessionDescription, SdpParseError> {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  if (text.length > MAX_SDP_LENGTH) return fail('too-large', `SDP larger than ${MAX_SDP_LENGTH} characters`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let version: number | undefined;
  let origin: Origin | undefined;
  let sessionName: string | undefined;
  let information: string | undefined;
  let uri: string | undefined;
  let connection: Connection | undefined;
  let timeZones: string | undefined;
  let encryptionKey: string | undefined;
  const emails: string[] = [];
  const phones: string[] = [];
  const bandwidths: Bandwidth[] = [];
  const times: { start: string; stop: string; repeats: string[] }[] = [];
  const attributes: Attribute[] = [];
  const unknownLines: UnknownLine[] = [];
  const media: MutableMedia[] = [];
  let current: MutableMedia | undefined;
  let sawAny = false;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = trimWsp(raw);
    if (line.length === 0) continue;
    const n = i + 1;
    if (line.length < 2 || line[1] !== '=') return fail('bad-line', 'line is not of the form <type>=<value>', n, line);
    const type = line[0]!;
    const value = line.slice(2);
    if (!sawAny) {
      sawAny = true;
      if (type !== 'v') return fail('missing-version', 'SDP must start with v=', n, line);
    }
    switch (type) {
      case 'v':
        if (version !== undefined) return fail('duplicate-line', 'more than one v= line', n, line);
        if (value.trim() !== '0') return fail('bad-version', 'only SDP version 0 exists', n, line);
        version = 0;
        break;
      case 'o':
        if (current !== undefined || origin !== undefined) return fail('duplicate-line', 'o= must appear once, at session level', n, line);
        origin = parseOrigin(value);
        if (origin === undefined) return fail('bad-origin', 'malformed o= line', n, line);
        break;
      case 's':
        if (current === undefined) sessionName = value.trim() === '' ? '-' : value;
        else current.unknownLines.push({ type, value });
        break;
      case 'i':
        if (current === undefined) information = value;
        else current.information = value;
        break;
      case 'u':
        if (current === undefined) uri = value;
        else current.unknownLines.push({ type, value });
        break;
      case 'e':
        if (current === undefined) emails.push(value);
        else current.unknownLines.push({ type, value });
        break;
      case 'p':
        if (current === undefined) phones.push(value);
        else current.unknownLines.push({ type, value });
        break;
      case 'c': {
        const c = parseConnection(value);
        if (c === undefined) return fail('bad-connection', 'malformed c= line', n, line);
        if (current === undefined) connection = c;
        else current.connections.push(c);
        break;
      }
      case 'b': {
        const b = parseBandwidth(value);
        if (b === undefined) return fail('bad-bandwidth', 'malformed b= line', n, line);
        (current === undefined ? bandwidths : current.bandwidths).push(b);
        break;
      }
      case 't': {
        const m = /^([0-9]{1,20})[ \t]+([0-9]{1,20})$/.exec(value.trim());
        if (m === null || current !== undefined) return fail('bad-time', 'malformed or misplaced t= line', n, line);
        times.push({ start: m[1]!, stop: m[2]!, repeats: [] });
        break;
      }
      case 'r': {
        const last = times[times.length - 1];
        if (last === undefined || current !== undefined) return fail('bad-time', 'r= without t=', n, line);
        last.repeats.push(value);
        break;
      }
      case 'z':
        if (current === undefined) timeZones = value;
        else current.unknownLines.push({ type, value });
        break;
      case 'k':
        if (current === undefined) encryptionKey = value;
        else current.encryptionKey = value;
        break;
      case 'a': {
        const a = parseAttribute(value);
        if (a === undefined) return fail('bad-line', 'malformed a= line', n, line);
        (current === undefined ? attributes : current.attributes).push(a);
        break;
      }
      case 'm': {
        const m = parseMediaLine(value);
        if (m === undefined) return fail('bad-media-line', 'malformed m= line', n, line);
        media.push(m);
        current = m;
        break;
      }
      default:
        if (!/^[a-zA-Z]$/.test(type)) return fail('bad-line', 'line type must be a letter', n, line);
        (current === undefined ? unknownLines : current.unknownLines).push({ type, value });
    }
  }
  if (version === undefined) return fail('empty', 'no SDP lines');
  if (origin === undefined) return fail('missing-origin', 'SDP has no o= line');
  const timeDescriptions: TimeDescription[] = times.length === 0 ? [{ start: '0', stop: '0', repeats: [] }] : times;
  return ok({
    version,
    origin,
    sessionName: sessionName ?? '-',
    ...(information === undefined ? {} : { information }),
    ...(uri === undefined ? {} : { uri }),
    emails,
    phones,
    ...(connection === undefined ? {} : { connection }),
    bandwidths,
    times: timeDescriptions,
    ...(timeZones === undefined ? {} : { timeZones }),
    ...(encryptionKey === undefined ? {} : { encryptionKey }),
    attributes,
    unknownLines,
    media: media as MediaDescription[],
  });
}
