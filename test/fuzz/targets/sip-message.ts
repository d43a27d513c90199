/**
 * SIP message parser and stream framer (RFC 3261 §7, §18.3; RFC 5626 §4.4.1), the logic of the
 * issue 3 fuzz test (src-main/protocol/sip/message/fuzz.test.ts) as shared targets:
 *  - `sip`: parseMessage and checkMessage give values or typed errors; a parsed message serializes,
 *    parses again and is equal (round trip); checkMessage agrees with parseMessage;
 *  - `sip-framer`: the framer, fed the input in random chunks, emits only typed events, keeps its
 *    buffer bounded, and every message it cuts parses to a value or a typed error.
 * Seeds: RFC 4475 and RFC 5118 torture messages, the captures, test/corpus/sip/seeds.
 */
import type { SipMessage } from '../../../src-main/protocol/sip/message/message.js';
import { checkMessage, parseMessage } from '../../../src-main/protocol/sip/message/parser.js';
import { serializeMessage } from '../../../src-main/protocol/sip/message/serializer.js';
import type { SipParseErrorCode } from '../../../src-main/protocol/sip/message/sip-parse-error.js';
import { SipStreamFramer } from '../../../src-main/protocol/sip/message/stream-framer.js';
import { formatUri } from '../../../src-main/protocol/sip/message/uri.js';
import { readFiles } from '../corpus-files.js';
import type { Rand } from '../rand.js';
import { assert, assertEqual, fail, type FuzzTarget } from '../target.js';

export const SIP_PARSE_CODES: ReadonlySet<SipParseErrorCode> = new Set<SipParseErrorCode>([
  'empty', 'bad-start-line', 'bad-version', 'bad-method', 'bad-request-uri', 'bad-status-code', 'bad-reason-phrase', 'unterminated-headers',
  'bad-header-line', 'bad-header-value', 'missing-header', 'duplicate-header', 'bad-content-length', 'truncated-body', 'cseq-method-mismatch',
  'too-large', 'too-many-headers',
]);

/** The SIP messages every SIP-related target starts from. */
export function sipSeedMessages(): Uint8Array[] {
  return [
    ...readFiles('test/vectors/rfc4475', ['.dat']),
    ...readFiles('test/vectors/rfc5118/wire', ['.dat']),
    ...readFiles('src-main/protocol/sip/message/captures', ['.sip']),
    ...readFiles('test/corpus/sip/seeds', ['.sip']),
  ];
}

export const SIP_DICTIONARY = [';', ';;', ',', '<', '>', '"', '\\', '%', '%00', '%zz', '[', ']', '[::1]', ':', '@', ' ', '\t', '=', '\r\n', '\r\n ', '\n', 'sip:', 'sips:', 'tel:', 'z9hG4bK', '4294967296', '-1', '99999999999999999999', 'SIP/2.0', 'Content-Length: 5\r\n', 'l: 0\r\n', 'Via: SIP/2.0/UDP h\r\n', '\u00e9', 'Expires: 4294967295\r\n', 'Session-Expires: 4294967295;refresher=uas\r\n', 'Min-SE: 90\r\n', 'Retry-After: 18000000000 (x);duration=99999999999\r\n', 'WWW-Authenticate: Digest realm="r", nonce="n", qop="auth"\r\n', 'Contact: <sip:a@b>;expires=4294967296\r\n'];

/** The values a round trip must preserve (Content-Length is rewritten by design). */
function shape(m: SipMessage): unknown {
  return {
    start: m.kind === 'request' ? [m.method, formatUri(m.uri)] : [m.status, m.reason],
    fields: [...m.headers].filter((f) => f.key !== 'content-length').map((f) => [f.name, f.value]),
    body: m.body.toString('latin1'),
  };
}

export function checkSipMessage(bytes: Uint8Array, r: Rand): void {
  const res = parseMessage(bytes);
  if (res.ok) {
    const again = parseMessage(serializeMessage(res.value));
    if (!again.ok) fail(`round trip failed: ${again.error.code} ${again.error.message}`);
    assertEqual(shape(again.value), shape(res.value), 'parse(serialize(m)) differs from m');
  } else if (!SIP_PARSE_CODES.has(res.error.code) || typeof res.error.reason !== 'string') {
    fail(`untyped error ${JSON.stringify(res.error)}`);
  }
  if (r.oneIn(4)) {
    // checkMessage finds the same first error; on a valid message it may only add lazy-header remarks.
    const check = checkMessage(bytes);
    if (res.ok) assert(check.errors.every((e) => e.code === 'bad-header-value'), () => `checkMessage found ${JSON.stringify(check.errors[0])} in a message parseMessage accepted`);
    else assertEqual(check.errors[0], res.error, 'checkMessage and parseMessage disagree on the first error');
  }
}

const FRAMER_MAX = 8192;

export function checkSipFramer(bytes: Uint8Array, r: Rand): void {
  const framer = new SipStreamFramer({ maxMessageBytes: FRAMER_MAX, maxHeaderCount: 64 });
  let offset = 0;
  const chunks = 1 + r.int(4);
  for (let c = 0; c < chunks; c++) {
    const end = c === chunks - 1 ? bytes.length : Math.min(bytes.length, offset + r.int(bytes.length + 1));
    for (const ev of framer.push(bytes.subarray(offset, end))) {
      if (ev.kind === 'error') {
        assert(SIP_PARSE_CODES.has(ev.error.code), () => `untyped framer error ${ev.error.code}`);
        assert(typeof ev.fatal === 'boolean', 'framer error without a fatal flag');
      } else if (ev.kind === 'message') {
        assert(ev.bytes.length <= FRAMER_MAX, () => `framer cut a message of ${ev.bytes.length} octets past its limit ${FRAMER_MAX}`);
        const m = parseMessage(ev.bytes);
        if (!m.ok) assert(SIP_PARSE_CODES.has(m.error.code), 'untyped error for a framed message');
      } else {
        assert(ev.kind === 'ping' || ev.kind === 'pong', 'unknown framer event');
      }
    }
    assert(framer.capacity <= 2 * FRAMER_MAX + bytes.length + 4096, () => `framer buffer grew to ${framer.capacity}`);
    offset = end;
  }
}

const seeds = (): Uint8Array[] => sipSeedMessages();

export const sipMessageTarget: FuzzTarget = {
  name: 'sip',
  description: 'SIP message parser: parseMessage/checkMessage typed errors, serialize → parse round trip',
  seeds,
  mutator: { dictionary: SIP_DICTIONARY, text: true, maxLength: 16384 },
  check: checkSipMessage,
};

export const sipFramerTarget: FuzzTarget = {
  name: 'sip-framer',
  description: 'SIP stream framer (TCP/TLS): typed events, bounded buffer, framed messages parse or fail typed',
  seeds: () => [...seeds(), ...seeds().map((s) => Buffer.concat([s, Buffer.from('\r\n\r\n'), s]))],
  mutator: { dictionary: SIP_DICTIONARY, text: true, maxLength: 24576 },
  check: checkSipFramer,
};
