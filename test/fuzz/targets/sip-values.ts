/**
 * Targets for the SIP values read outside the message framing:
 *  - `sip-uri`: URIs in each context (RFC 3261 §19.1, §20.10; RFC 3966) and name-addr values;
 *  - `digest`: WWW-/Proxy-Authenticate challenges and Authorization credentials (RFC 7616, RFC 3261
 *    §22), then a DigestClient answering the challenge: its Authorization must parse back;
 *  - `message-summary` (RFC 3842), `sipfrag` (RFC 3420 as REFER NOTIFY bodies, RFC 3515),
 *    `replaces` (RFC 3891), `dtmf-info` (application/dtmf-relay INFO bodies).
 */
import { formatAuthValue, parseAuthValues, type AuthValue } from '../../../src-main/protocol/sip/message/auth-header.js';
import { Cursor } from '../../../src-main/protocol/sip/message/cursor.js';
import { formatNameAddr, parseNameAddr } from '../../../src-main/protocol/sip/message/name-addr.js';
import { paramText } from '../../../src-main/protocol/sip/message/parameters.js';
import { parseMessage } from '../../../src-main/protocol/sip/message/parser.js';
import { serializeMessage } from '../../../src-main/protocol/sip/message/serializer.js';
import { formatUri, parseUriAt, uriEquals, type Uri, type UriContext } from '../../../src-main/protocol/sip/message/uri.js';
import type { SipRequest, SipResponse } from '../../../src-main/protocol/sip/message/message.js';
import { DigestClient, readDigestChallenge } from '../../../src-main/protocol/sip/auth/index.js';
import { parseMessageSummary } from '../../../src-main/protocol/sip/ua/message-summary.js';
import { formatSipfrag, parseSipfragStatus } from '../../../src-main/protocol/sip/ua/sipfrag.js';
import { parseReplaces } from '../../../src-main/protocol/sip/ua/replaces.js';
import { formatDtmfRelay, isDtmfDigit, parseDtmfInfo } from '../../../src-main/protocol/sip/ua/dtmf-info.js';
import { readLines } from '../corpus-files.js';
import type { Rand } from '../rand.js';
import { assert, assertEqual, fail, latin1, utf8, type FuzzTarget } from '../target.js';
import { SIP_DICTIONARY, sipSeedMessages } from './sip-message.js';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Header values of `names` from every parsable seed message. */
function headerValues(names: readonly string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of sipSeedMessages()) {
    const r = parseMessage(m);
    if (!r.ok) continue;
    for (const f of r.value.headers) if (names.includes(f.key)) out.push(enc(f.value));
    if (names.includes('request-uri') && r.value.kind === 'request') out.push(enc(formatUri(r.value.uri)));
  }
  return out;
}

// ---------------------------------------------------------------- URIs and name-addr

const CONTEXTS: readonly UriContext[] = ['request-uri', 'name-addr', 'addr-spec'];

function parseUri(s: string, context: UriContext): Uri | undefined {
  const c = new Cursor(s);
  const u = parseUriAt(c, s.length, context);
  if (u === undefined) assert(typeof c.error === 'string' && c.error.length > 0, 'a URI refused without a reason');
  return u;
}

function checkUri(input: Uint8Array, r: Rand): void {
  const s = latin1(input);
  const context = r.pick(CONTEXTS);
  const u = parseUri(s, context);
  if (u !== undefined) {
    const text = formatUri(u);
    const again = parseUri(text, context);
    if (again === undefined) fail(`formatted URI ${JSON.stringify(text)} does not parse back (${context})`);
    assertEqual(again, u, `URI round trip (${context})`);
    assert(uriEquals(again, u), 'a URI is not equal to its own round trip');
  }
  const nameAddrOnly = r.oneIn(2);
  const na = parseNameAddr(s, nameAddrOnly);
  if (na !== undefined) {
    const text = formatNameAddr(na);
    const again = parseNameAddr(text, nameAddrOnly);
    if (again === undefined) fail(`formatted name-addr ${JSON.stringify(text)} does not parse back`);
    assertEqual(formatNameAddr(again), text, 'name-addr round trip');
  }
}

export const sipUriTarget: FuzzTarget = {
  name: 'sip-uri',
  description: 'SIP/SIPS/tel URIs in request-URI, name-addr and addr-spec contexts, and name-addr values: round trips',
  seeds: () => [...readLines('test/corpus/sip-uri', ['.txt']), ...headerValues(['request-uri', 'to', 'from', 'contact', 'route', 'record-route', 'refer-to'])],
  mutator: { dictionary: SIP_DICTIONARY, text: true, maxLength: 4096 },
  check: checkUri,
};

// ---------------------------------------------------------------- Digest

const CHALLENGE_PROBLEMS = new Set(['not-digest', 'missing-realm', 'missing-nonce', 'unsupported-algorithm', 'unsupported-qop']);
const DIGEST_ERRORS = new Set(['not-a-challenge', 'no-supported-challenge', 'no-credentials', 'credentials-rejected']);
const HEX_LENGTH: Readonly<Record<string, number>> = { MD5: 32, 'MD5-sess': 32, 'SHA-256': 64, 'SHA-256-sess': 64, 'SHA-512-256': 64, 'SHA-512-256-sess': 64 };

/** What a round trip of an auth value must keep: scheme, token68, and each param's text. */
function authShape(values: readonly AuthValue[]): unknown {
  return values.map((v) => ({ scheme: v.scheme, token68: v.token68, params: v.params.map((p) => [p.name, paramText([p], p.name) ?? null]) }));
}

const fixedRng = { bytes: (n: number): Uint8Array => new Uint8Array(n).fill(0x5a), uint32: (): number => 0x5a5a5a5a };
const REGISTER = 'REGISTER sip:pbx.example.com SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK1\r\nFrom: <sip:alice@pbx.example.com>;tag=1\r\nTo: <sip:alice@pbx.example.com>\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';

function checkDigest(input: Uint8Array, r: Rand): void {
  const value = latin1(input);
  const values = parseAuthValues(value);
  if (values === undefined) return;
  const text = values.map(formatAuthValue).join(', ');
  const again = parseAuthValues(text);
  if (again === undefined) fail(`formatted auth values ${JSON.stringify(text.slice(0, 200))} do not parse back`);
  assertEqual(authShape(again), authShape(values), 'auth header round trip');
  const proxy = r.oneIn(2);
  for (const v of values) {
    const c = readDigestChallenge(v, proxy);
    if (typeof c === 'string') assert(CHALLENGE_PROBLEMS.has(c), () => `untyped challenge problem ${c}`);
  }
  // The client answers the challenge: what it writes must parse back and carry the challenge's realm and nonce.
  if (value.includes('\r') || value.includes('\n')) return; // cannot be one header line
  const header = proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  const response = parseMessage(enc(`SIP/2.0 ${proxy ? 407 : 401} Unauthorized\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK1\r\nFrom: <sip:alice@pbx.example.com>;tag=1\r\nTo: <sip:alice@pbx.example.com>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\n${header}: ${value}\r\nContent-Length: 0\r\n\r\n`));
  if (!response.ok || response.value.kind !== 'response') return;
  const client = new DigestClient({ credentials: { username: 'alice', password: 'secret' }, rng: fixedRng, preferAuthInt: r.oneIn(2) });
  const learned = client.handleChallenge(response.value as SipResponse);
  if (!learned.ok) {
    assert(DIGEST_ERRORS.has(learned.error.code), () => `untyped digest error ${learned.error.code}`);
    return;
  }
  const request = parseMessage(enc(REGISTER));
  if (!request.ok || request.value.kind !== 'request') fail('the REGISTER template does not parse');
  const req = request.value as SipRequest;
  const added = client.authorize(req);
  assert(added === learned.value.length, () => `authorize added ${added} headers for ${learned.value.length} realms`);
  const wire = parseMessage(serializeMessage(req));
  if (!wire.ok) fail(`the authorized request does not parse: ${wire.error.code} ${wire.error.message}`);
  const creds = proxy ? wire.value.headers.proxyAuthorization() : wire.value.headers.authorization();
  assert(creds.length === added, () => `${creds.length} credentials parsed back of ${added} written`);
  for (const cr of creds) {
    const algorithm = paramText(cr.params, 'algorithm') ?? '';
    const resp = paramText(cr.params, 'response') ?? '';
    assert(resp.length === HEX_LENGTH[algorithm], () => `response ${resp.length} hex digits for ${algorithm}`);
    const realm = paramText(cr.params, 'realm');
    assert(realm !== undefined && client.realms.some((x) => Buffer.from(x, 'utf8').toString('latin1') === realm || x === realm), () => `credentials for realm ${realm} not challenged`);
  }
}

export const digestTarget: FuzzTarget = {
  name: 'digest',
  description: 'Digest challenges and credentials (RFC 7616, RFC 3261 §22): parse, round trip, DigestClient answer parses back',
  seeds: () => [...readLines('test/corpus/digest', ['.txt']), ...headerValues(['www-authenticate', 'proxy-authenticate', 'authorization', 'proxy-authorization'])],
  mutator: {
    dictionary: [', ', ',', '=', '"', '\\"', 'Digest ', 'Bearer ', 'realm=', 'nonce=', 'qop="auth,auth-int"', 'qop=auth', 'algorithm=SHA-256', 'algorithm=MD5-sess', 'algorithm=SHA-512-256', 'algorithm=X', 'stale=TRUE', 'userhash=true', 'opaque=""', '\u00e9', '\\', 'charset=UTF-8', 'nc=00000001'],
    text: true,
    maxLength: 4096,
  },
  check: checkDigest,
};

// ---------------------------------------------------------------- message-summary, sipfrag, Replaces, DTMF INFO

function checkMessageSummary(input: Uint8Array): void {
  const s = parseMessageSummary(utf8(input));
  if (s === undefined) return;
  assert(typeof s.waiting === 'boolean', 'waiting is not a boolean');
  for (const [k, n] of [['newMessages', s.newMessages], ['oldMessages', s.oldMessages], ['urgentNew', s.urgentNew], ['urgentOld', s.urgentOld]] as const) {
    assert(Number.isSafeInteger(n) && n >= 0, () => `${k} = ${n} is not a count`);
  }
  assert(s.urgentNew <= s.newMessages || s.urgentNew >= 0, 'urgent count');
}

export const messageSummaryTarget: FuzzTarget = {
  name: 'message-summary',
  description: 'MWI application/simple-message-summary bodies (RFC 3842 §5): counts are non-negative safe integers',
  seeds: () => readLines('test/corpus/message-summary', ['.txt']).map((l) => enc(latin1(l).replace(/\\r\\n/g, '\r\n'))),
  mutator: { dictionary: ['\r\n', 'Messages-Waiting: ', 'yes', 'no', 'Voice-Message: ', 'Fax-Message: ', 'Message-Account: ', '/', '(', ')', ' ', ':', '99999999999999999999', '1e3'], text: true, maxLength: 8192 },
  check: checkMessageSummary,
};

function checkSipfrag(input: Uint8Array): void {
  const f = parseSipfragStatus(utf8(input));
  if (f === undefined) return;
  assert(Number.isInteger(f.status) && f.status >= 100 && f.status <= 699, () => `status ${f.status}`);
  assert(!/[\r\n]/.test(f.reason), 'reason phrase spans lines');
  assertEqual(parseSipfragStatus(formatSipfrag(f.status, f.reason)), f, 'sipfrag round trip');
}

export const sipfragTarget: FuzzTarget = {
  name: 'sipfrag',
  description: 'message/sipfrag status lines in REFER NOTIFY bodies (RFC 3420, RFC 3515 §2.4.5): status 100–699, round trip',
  seeds: () => readLines('test/corpus/sipfrag', ['.txt']).map((l) => enc(latin1(l).replace(/\\r\\n/g, '\r\n'))),
  mutator: { dictionary: ['SIP/2.0 ', '\r\n', ' ', '\t', '100', '699', '700', '099', '1000'], text: true, maxLength: 4096 },
  check: checkSipfrag,
};

function checkReplaces(input: Uint8Array): void {
  const t = parseReplaces(latin1(input));
  if (t === undefined) return;
  assert(t.callId.length > 0, 'empty Call-ID accepted');
  const text = `${t.callId};to-tag=${t.toTag};from-tag=${t.fromTag}${t.earlyOnly ? ';early-only' : ''}`;
  assertEqual(parseReplaces(text), t, 'Replaces round trip');
}

export const replacesTarget: FuzzTarget = {
  name: 'replaces',
  description: 'Replaces header values (RFC 3891 §6.1): call-id, to-tag, from-tag, early-only; round trip',
  seeds: () => [...readLines('test/corpus/replaces', ['.txt']), ...headerValues(['replaces'])],
  mutator: { dictionary: [';', '=', 'to-tag=', 'from-tag=', 'early-only', ' ', '@', '%3B', '"'], text: true, maxLength: 4096 },
  check: checkReplaces,
};

function checkDtmfInfo(input: Uint8Array, r: Rand): void {
  const type = r.pick(['application/dtmf-relay', 'application/dtmf', 'Application/DTMF-Relay; charset=x', undefined]);
  const d = parseDtmfInfo(type, utf8(input));
  if (d === undefined) return;
  assert(isDtmfDigit(d.digit) && d.digit === d.digit.toUpperCase(), () => `digit ${d.digit}`);
  assert(Number.isFinite(d.durationMs) && d.durationMs > 0 && d.durationMs < 10_000, () => `duration ${d.durationMs}`);
  if (type === 'application/dtmf-relay') {
    const again = parseDtmfInfo(type, formatDtmfRelay(d.digit, d.durationMs));
    assert(again !== undefined && again.digit === d.digit && Math.abs(again.durationMs - d.durationMs) <= 0.5, 'dtmf-relay round trip');
  }
}

export const dtmfInfoTarget: FuzzTarget = {
  name: 'dtmf-info',
  description: 'SIP INFO DTMF bodies (application/dtmf-relay, application/dtmf): digit and bounded duration',
  seeds: () => readLines('test/corpus/dtmf-info', ['.txt']).map((l) => enc(latin1(l).replace(/\\r\\n/g, '\r\n'))),
  mutator: { dictionary: ['Signal=', 'Duration=', '\r\n', '=', ' ', '10', '11', '*', '#', 'A', '1e9', '-1'], text: true, maxLength: 2048 },
  check: checkDtmfInfo,
};
