/**
 * `npm run bench -- sip [--ms N]` (N: milliseconds per implementation per round, default 400): SIP parse and serialize throughput (messages/s) for a typical
 * INVITE with SDP and a 200 OK, for our parser/serializer and for the parsers and message builders of
 * sip.js and JsSIP (dev dependencies), measured in the same run, with the ratios (DESIGN.md rule 14).
 *
 * Parsing is honest about laziness: every iteration reads Via (branch), From and To (URI user),
 * Call-ID, CSeq, Contact (URI) and Content-Length as parsed values, from every implementation.
 * All three start from the same bytes (the peers' parsers take strings, so their loop includes the
 * UTF-8 decode a transport would do).
 * Serialization: ours writes a message object to wire bytes; sip.js and JsSIP produce strings
 * (not converted to bytes, in their favour). For the 200 OK the operation is "answer a request":
 * build the response from the INVITE and serialize it, which is what each library offers.
 *
 * Output: one JSON line per measurement, then one per comparison:
 *   {"bench":"sip","op":"parse","message":"invite-sdp","impl":"ours","msgPerSec":123456,"runs":[…]}   (median of 5 rounds)
 *   {"bench":"sip","op":"parse","message":"invite-sdp","ratio":{"jssip":12.3,"sip.js":140.2},"vsFastestPeer":12.3,"target":10,"meetsTarget":true}
 * Implementations run round-robin within each comparison so that load from other processes hits
 * them alike; ratios are medians of per-round ratios.
 *
 * `npm run bench -- sip transactions` (issue 15) instead measures how long the transaction layer
 * takes to expire N live server transactions on the fake clock, for N = 10k, 20k, 40k: half INVITEs
 * answered 200 (Accepted, waiting for Timer L), half OPTIONS answered 200 (Completed, Timer J), each
 * with a merge key. Linear growth shows as a constant `usPerTransaction` (the quadratic merge-map
 * scan this replaced took 2.5 s, 20 s and 147 s).
 *   {"bench":"sip","op":"expire-transactions","transactions":40000,"ms":276,"cpuMs":270,"usPerTransaction":6.9,"runs":[…]}
 * (medians of 5 runs; cpuMs is this process's CPU time, steadier than wall time on a loaded machine)
 */
import { createRequire } from 'node:module';
import { Parser as SipJsParser } from 'sip.js/lib/core/messages/parser.js';
import { OutgoingRequestMessage } from 'sip.js/lib/core/messages/outgoing-request-message.js';
import { constructOutgoingResponse } from 'sip.js/lib/core/messages/outgoing-response.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import { Grammar as SipJsGrammar } from 'sip.js/lib/grammar/grammar.js';
import { FakeClock } from '../test/fakes/fake-clock.js';
import { createRequest, createResponse } from '../src-main/protocol/sip/message/builders.js';
import { createVia } from '../src-main/protocol/sip/message/via.js';
import { sipUri } from '../src-main/protocol/sip/message/uri.js';
import { TransactionLayer } from '../src-main/protocol/sip/transaction/transaction-layer.js';
import type { SipRequest, SipResponse } from '../src-main/protocol/sip/message/message.js';
import { parseNameAddr } from '../src-main/protocol/sip/message/name-addr.js';
import { parseMessage } from '../src-main/protocol/sip/message/parser.js';
import { serializeMessage } from '../src-main/protocol/sip/message/serializer.js';
import type { SipUri } from '../src-main/protocol/sip/message/uri.js';

const require = createRequire(import.meta.url);
const JsSipParser = require('jssip/lib/Parser') as { parseMessage(data: string, ua: unknown): JsSipMessage | undefined };
const JsSipMessages = require('jssip/lib/SIPMessage') as { OutgoingRequest: new (method: string, ruri: unknown, ua: unknown, params: object, extra: string[], body?: string) => { toString(): string } };
const JsSipURI = require('jssip/lib/URI') as { parse(uri: string): unknown };

interface JsSipMessage {
  via: { branch: string };
  from: { uri: { user: string } };
  to: { uri: { user: string } };
  call_id: string;
  cseq: number;
  parseHeader(name: string): unknown;
  reply(code: number, reason?: string, extra?: string[], body?: string): void;
  server_transaction: unknown;
}

interface SipJsMessage {
  via: { branch: string };
  from: { uri: { user: string } };
  to: { uri: { user: string } };
  callId: string;
  cseq: number;
  parseHeader(name: string): unknown;
}

const SDP_OFFER = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.101',
  's=-',
  'c=IN IP4 192.0.2.101',
  't=0 0',
  'm=audio 49172 RTP/SAVP 111 9 0 8 101',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 useinbandfec=1',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

const SDP_ANSWER = SDP_OFFER.replace('o=alice 2890844526 2890844526 IN IP4 192.0.2.101', 'o=bob 2808844564 2808844564 IN IP4 198.51.100.20').replace(/192\.0\.2\.101/g, '198.51.100.20').replace('m=audio 49172', 'm=audio 3456');

const INVITE = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/TLS 192.0.2.101:5061;branch=z9hG4bK74bf9a8c3d2e;rport',
  'Max-Forwards: 70',
  'From: "Alice" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
  'To: "Bob" <sip:bob@biloxi.example.com>',
  'Call-ID: 3848276298220188511@atlanta.example.com',
  'CSeq: 1 INVITE',
  'Contact: <sip:alice@192.0.2.101:5061;transport=tls>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, INFO, UPDATE, PRACK',
  'Supported: replaces, timer, 100rel',
  'User-Agent: SecureSoftphone/0.1',
  'Content-Type: application/sdp',
  `Content-Length: ${Buffer.byteLength(SDP_OFFER)}`,
  '',
  SDP_OFFER,
].join('\r\n');

const OK_200 = [
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/TLS 192.0.2.101:5061;branch=z9hG4bK74bf9a8c3d2e;rport=51234;received=192.0.2.101',
  'Record-Route: <sip:p1.example.com:5061;transport=tls;lr>',
  'From: "Alice" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
  'To: "Bob" <sip:bob@biloxi.example.com>;tag=8321234356',
  'Call-ID: 3848276298220188511@atlanta.example.com',
  'CSeq: 1 INVITE',
  'Contact: <sip:bob@198.51.100.20:5061;transport=tls>',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, INFO, UPDATE, PRACK',
  'Supported: replaces, timer',
  'Server: ExamplePBX/20.5',
  'Content-Type: application/sdp',
  `Content-Length: ${Buffer.byteLength(SDP_ANSWER)}`,
  '',
  SDP_ANSWER,
].join('\r\n');

let sink = 0;

/** Calls per second of `fn` over about `ms`. */
function rate(fn: () => void, ms: number): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    now = performance.now();
  }
  return n / ((now - start) / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// --- parse: every implementation reads the same parsed values in the loop -------------------
function oursParse(bytes: Buffer): () => void {
  return () => {
    const r = parseMessage(bytes);
    if (!r.ok) throw new Error(r.error.message);
    const h = r.value.headers;
    sink += h.topVia()!.branch!.length + ((h.from()!.uri as SipUri).user?.length ?? 0) + ((h.to()!.uri as SipUri).user?.length ?? 0);
    sink += h.callId()!.length + h.cseq()!.seq + ((h.contact()[0]!.uri as SipUri).host.length) + h.contentLength()!;
  };
}

function jssipParse(bytes: Buffer): () => void {
  const ua = { configuration: {} };
  return () => {
    const m = JsSipParser.parseMessage(bytes.toString('utf8'), ua);
    if (m === undefined) throw new Error('JsSIP could not parse');
    const contact = m.parseHeader('contact') as { uri: { host: string } };
    sink += m.via.branch.length + m.from.uri.user.length + m.to.uri.user.length + m.call_id.length + m.cseq + contact.uri.host.length + (m.parseHeader('content-length') as number);
  };
}

const quietLogger = { log: (): void => undefined, warn: (): void => undefined, error: (): void => undefined, debug: (): void => undefined };

function sipjsParse(bytes: Buffer): () => void {
  return () => {
    const m = SipJsParser.parseMessage(bytes.toString('utf8'), quietLogger as never) as unknown as SipJsMessage | undefined;
    if (m === undefined) throw new Error('sip.js could not parse');
    const contact = m.parseHeader('contact') as { uri: { host: string } };
    sink += m.via.branch.length + m.from.uri.user.length + m.to.uri.user.length + m.callId.length + m.cseq + contact.uri.host.length + Number(m.parseHeader('content-length'));
  };
}

// --- serialize ---------------------------------------------------------------------------------
/** Size of the last message each serializer produced (printed, so the outputs can be compared). */
const lastSize = new Map<string, number>();

function oursSerialize(msg: SipRequest | SipResponse): () => void {
  return () => {
    const n = serializeMessage(msg).length;
    lastSize.set('ours', n);
    sink += n;
  };
}

function oursRespond(invite: SipRequest): () => void {
  const contact = [parseNameAddr('<sip:bob@198.51.100.20:5061;transport=tls>')!];
  return () => {
    const res = createResponse(invite, 200, 'OK', { toTag: '8321234356', contact, body: SDP_ANSWER, contentType: 'application/sdp', headers: [['Supported', 'replaces, timer']] });
    const n = serializeMessage(res).length;
    lastSize.set('ours-build', n);
    sink += n;
  };
}

function jssipUa(): unknown {
  return { configuration: { uri: JsSipURI.parse('sip:alice@atlanta.example.com'), display_name: 'Alice', jssip_id: 'bench', use_preloaded_route: false, extra_headers: null, session_timers: true, user_agent: 'SecureSoftphone/0.1' }, contact: {} };
}

function jssipSerialize(): () => void {
  const ua = jssipUa();
  const req = new JsSipMessages.OutgoingRequest('INVITE', JsSipURI.parse('sip:bob@biloxi.example.com'), ua, { to_uri: JsSipURI.parse('sip:bob@biloxi.example.com'), to_display_name: 'Bob', from_tag: '9fxced76sl', call_id: '3848276298220188511@atlanta.example.com', cseq: 1 }, [
    'Contact: <sip:alice@192.0.2.101:5061;transport=tls>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
    'Content-Type: application/sdp',
  ], SDP_OFFER);
  return () => {
    const n = req.toString().length;
    lastSize.set('jssip', n);
    sink += n;
  };
}

function jssipRespond(invite: Buffer): () => void {
  const ua = jssipUa();
  const m = JsSipParser.parseMessage(invite.toString('utf8'), ua)!;
  m.server_transaction = {
    receiveResponse: (_code: number, response: string) => {
      lastSize.set('jssip', response.length);
      sink += response.length;
    },
  };
  return () => {
    m.reply(200, 'OK', ['Contact: <sip:bob@198.51.100.20:5061;transport=tls>'], SDP_ANSWER);
  };
}

function sipjsSerialize(): () => void {
  const uri = (s: string): never => SipJsGrammar.URIParse(s) as never;
  const req = new OutgoingRequestMessage('INVITE', uri('sip:bob@biloxi.example.com'), uri('sip:alice@atlanta.example.com'), uri('sip:bob@biloxi.example.com'), { callId: '3848276298220188511@atlanta.example.com', cseq: 1, fromDisplayName: 'Alice', toDisplayName: 'Bob', fromTag: '9fxced76sl', viaHost: '192.0.2.101', userAgentString: 'SecureSoftphone/0.1' }, [
    'Contact: <sip:alice@192.0.2.101:5061;transport=tls>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, INFO, UPDATE, PRACK',
  ], { content: SDP_OFFER, contentType: 'application/sdp', contentDisposition: 'session' });
  req.setViaHeader('z9hG4bK74bf9a8c3d2e', 'TLS');
  return () => {
    const n = req.toString().length;
    lastSize.set('sip.js', n);
    sink += n;
  };
}

function sipjsRespond(invite: Buffer): () => void {
  const m = SipJsParser.parseMessage(invite.toString('utf8'), quietLogger as never) as unknown as IncomingRequestMessage;
  return () => {
    const r = constructOutgoingResponse(m, { statusCode: 200, reasonPhrase: 'OK', toTag: '8321234356', supported: ['replaces', 'timer'], extraHeaders: ['Contact: <sip:bob@198.51.100.20:5061;transport=tls>'], body: { content: SDP_ANSWER, contentType: 'application/sdp', contentDisposition: 'session' } });
    lastSize.set('sip.js', r.message.length);
    sink += r.message.length;
  };
}

function line(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'sip', ...o })}\n`);
}

/** Wall and CPU milliseconds the layer takes to expire `n` server transactions (Timers L and J) on the fake clock. */
function expireTransactions(n: number): { wall: number; cpu: number } {
  const clock = new FakeClock();
  const layer = new TransactionLayer({ transport: { reliable: false, send: () => true }, clock, maxServerTransactions: n });
  layer.onRequest((r) => r.transaction.respond(createResponse(r.request, 200, undefined, { toTag: 't' })));
  const peer = { transport: 'UDP', host: '198.51.100.7', port: 40000 } as const;
  for (let i = 0; i < n; i++) {
    layer.receive(
      createRequest({
        method: i % 2 === 0 ? 'INVITE' : 'OPTIONS',
        uri: sipUri({ user: 'alice', host: '192.0.2.1' }),
        via: [createVia({ transport: 'UDP', host: peer.host, port: peer.port, branch: `z9hG4bKbench${i}`, rport: true })],
        from: { displayName: undefined, uri: sipUri({ user: 'mallory', host: 'example.net' }), params: [{ name: 'tag', value: `f${i}` }] },
        to: { displayName: undefined, uri: sipUri({ user: 'alice', host: 'example.com' }), params: [] },
        callId: `bench-${i}@example.net`,
        cseq: 1,
      }),
      peer,
    );
  }
  if (layer.size !== n) throw new Error(`expected ${n} live transactions, have ${layer.size}`);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  clock.advance(64 * 500 + 1);
  const used = process.cpuUsage(cpuStart);
  const wall = performance.now() - started;
  if (layer.size !== 0) throw new Error(`${layer.size} transactions did not expire`);
  layer.dispose();
  return { wall, cpu: (used.user + used.system) / 1000 };
}

function transactionsBench(): void {
  expireTransactions(5_000); // warm-up
  for (const n of [10_000, 20_000, 40_000]) {
    const runs = [0, 1, 2, 3, 4].map(() => expireTransactions(n));
    const ms = median(runs.map((r) => r.wall));
    const cpuMs = median(runs.map((r) => r.cpu));
    line({
      op: 'expire-transactions',
      transactions: n,
      ms: Math.round(ms * 10) / 10,
      cpuMs: Math.round(cpuMs * 10) / 10,
      usPerTransaction: Math.round((ms * 1000 * 100) / n) / 100,
      runs: runs.map((r) => Math.round(r.wall)),
    });
  }
}

export default async function sipBench(args: string[]): Promise<void> {
  if (args[0] === 'transactions') {
    transactionsBench();
    return;
  }
  const msIndex = args.indexOf('--ms');
  const ms = msIndex >= 0 ? Number(args[msIndex + 1]) : 400;
  const invite = Buffer.from(INVITE, 'utf8');
  const ok = Buffer.from(OK_200, 'utf8');
  const parsedInvite = parseMessage(invite);
  const parsedOk = parseMessage(ok);
  if (!parsedInvite.ok || !parsedOk.ok) throw new Error('bench messages must parse');

  /**
   * Warms every implementation up, then measures them round-robin (ROUNDS rounds of `ms` each), so
   * that load from other processes hits all of them alike; reports medians and the median of the
   * per-round ratios.
   */
  const ROUNDS = 5;
  const compare = (op: string, message: string, impls: Record<string, () => void>, target?: number): void => {
    const names = Object.keys(impls);
    for (const name of names) rate(impls[name]!, ms / 2);
    const runs: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const ratios: Record<string, number[]> = Object.fromEntries(names.filter((n) => n !== 'ours').map((n) => [n, []]));
    const fastest: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r: Record<string, number> = {};
      for (const name of names) {
        r[name] = rate(impls[name]!, ms);
        runs[name]!.push(Math.round(r[name]));
      }
      for (const name of Object.keys(ratios)) ratios[name]!.push(r['ours']! / r[name]!);
      if (Object.keys(ratios).length > 0) fastest.push(r['ours']! / Math.max(...Object.keys(ratios).map((n) => r[n]!)));
    }
    for (const name of names) {
      const size = op === 'parse' ? undefined : lastSize.get(name === 'ours' && op === 'respond' ? 'ours-build' : name);
      line({ op, message, impl: name, msgPerSec: Math.round(median(runs[name]!)), runs: runs[name], ...(size === undefined ? {} : { bytes: size }) });
    }
    lastSize.clear();
    if (Object.keys(ratios).length === 0) return;
    const ratio = Object.fromEntries(Object.entries(ratios).map(([n, v]) => [n, Math.round(median(v) * 10) / 10]));
    const vsFastest = Math.round(median(fastest) * 10) / 10;
    line({ op, message, ratio, vsFastestPeer: vsFastest, ...(target === undefined ? {} : { target, meetsTarget: vsFastest >= target }) });
  };

  compare('parse', 'invite-sdp', { ours: oursParse(invite), jssip: jssipParse(invite), 'sip.js': sipjsParse(invite) }, 10);
  compare('parse', '200-ok-sdp', { ours: oursParse(ok), jssip: jssipParse(ok), 'sip.js': sipjsParse(ok) }, 10);
  compare('serialize', 'invite-sdp', { ours: oursSerialize(parsedInvite.value), jssip: jssipSerialize(), 'sip.js': sipjsSerialize() });
  // No peer can serialize a parsed response object; the "respond" comparison below is their equivalent.
  compare('serialize', '200-ok-sdp', { ours: oursSerialize(parsedOk.value) });
  compare('respond', '200-ok-sdp', { ours: oursRespond(parsedInvite.value as SipRequest), jssip: jssipRespond(invite), 'sip.js': sipjsRespond(invite) });
  if (sink === 0) process.stderr.write('(sink)\n');
}
