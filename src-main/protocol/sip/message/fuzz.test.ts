/**
 * Fuzzing the framer and the parser (DESIGN.md rule 5, issue 3 acceptance 2): at least 100,000
 * mutated messages per run. fast-check drives the mutation seeds (so a failure reports a
 * reproducible seed); each property run derives a batch of mutants from seeds taken from the RFC
 * vectors, the captures and test/corpus/sip. For every mutant:
 *  - parseMessage and checkMessage return values; a parse error has a code from the closed union;
 *  - a parsed message serializes, parses again and is equal (round trip);
 *  - the stream framer, fed the mutant in random chunks, emits only typed events, keeps its buffer
 *    bounded, and every message it cuts parses to a value or a typed error.
 * Crashers found once are replayed from test/corpus/sip/crashers forever.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SipMessage } from './message.js';
import { checkMessage, parseMessage } from './parser.js';
import { serializeMessage } from './serializer.js';
import type { SipParseErrorCode } from './sip-parse-error.js';
import { SipStreamFramer } from './stream-framer.js';
import { formatUri } from './uri.js';
import { Rand } from '../../../../test/fuzz/rand.js';

const CODES: ReadonlySet<SipParseErrorCode> = new Set<SipParseErrorCode>([
  'empty', 'bad-start-line', 'bad-version', 'bad-method', 'bad-request-uri', 'bad-status-code', 'bad-reason-phrase', 'unterminated-headers',
  'bad-header-line', 'bad-header-value', 'missing-header', 'duplicate-header', 'bad-content-length', 'truncated-body', 'cseq-method-mismatch',
  'too-large', 'too-many-headers',
]);

const root = new URL('../../../../', import.meta.url);
function readDir(rel: string, ext: string): Buffer[] {
  const dir = new URL(rel, root);
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => readFileSync(new URL(f, dir)));
}

const seeds: Buffer[] = [
  ...readDir('test/vectors/rfc4475/', '.dat'),
  ...readDir('test/vectors/rfc5118/wire/', '.dat'),
  ...readDir('src-main/protocol/sip/message/captures/', '.sip'),
  ...readDir('test/corpus/sip/seeds/', '.sip'),
];
const crashers = readDir('test/corpus/sip/crashers/', '.sip');

const INTERESTING = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x25, 0x2c, 0x2f, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xc3, 0xff, 0x30, 0x39];
const TOKENS = [';', ';;', ',', '<', '>', '"', '\\', '%', '%00', '%zz', '[', ']', '[::1]', ':', '@', ' ', '\t', '=', '\r\n', '\r\n ', '\n', 'sip:', 'sips:', 'tel:', 'z9hG4bK', '4294967296', '-1', '99999999999999999999', 'SIP/2.0', 'Content-Length: 5\r\n', 'l: 0\r\n', 'Via: SIP/2.0/UDP h\r\n', '\u00e9'];

function mutate(src: Buffer, r: Rand): Buffer {
  let b = Buffer.from(src);
  const ops = 1 + r.int(6);
  for (let k = 0; k < ops; k++) {
    const at = r.int(b.length + 1);
    switch (r.int(12)) {
      case 0:
        if (b.length > 0) b[at % b.length]! ^= 1 << r.int(8);
        break;
      case 1:
        if (b.length > 0) b[at % b.length] = INTERESTING[r.int(INTERESTING.length)]!;
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.int(16)))]);
        break;
      case 3: {
        const len = 1 + r.int(32);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      case 4: {
        const junk = Buffer.alloc(1 + r.int(8));
        for (let i = 0; i < junk.length; i++) junk[i] = r.int(256);
        b = Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
        break;
      }
      case 5:
        b = b.subarray(0, at);
        break;
      case 6: {
        const donor = seeds[r.int(seeds.length)]!;
        const from = r.int(donor.length);
        b = Buffer.concat([b.subarray(0, at), donor.subarray(from, from + 1 + r.int(64)), b.subarray(Math.min(b.length, at + r.int(64)))]);
        break;
      }
      case 7: {
        const text = b.toString('latin1');
        const digits = [...text.matchAll(/\d+/g)];
        const m = digits[r.int(digits.length)];
        if (m?.index !== undefined) b = Buffer.from(text.slice(0, m.index) + ['0', '4294967295', '4294967296', '-5', '000000000000000000017', '65536', '256'][r.int(7)]! + text.slice(m.index + m[0].length), 'latin1');
        break;
      }
      case 8:
      case 9: {
        const text = b.toString('latin1');
        const lines = text.split('\r\n');
        const i = r.int(lines.length);
        if (r.int(2) === 0) lines.splice(i, 0, lines[r.int(lines.length)] ?? '');
        else lines.splice(i, 1);
        b = Buffer.from(lines.join('\r\n'), 'latin1');
        break;
      }
      case 10: {
        const text = b.toString('latin1');
        b = Buffer.from(r.int(2) === 0 ? text.replace(/\r\n/g, '\n') : text.replace(/\r\n(?=[A-Za-z])/, '\r\n '), 'latin1');
        break;
      }
      default: {
        const t = Buffer.from(TOKENS[r.int(TOKENS.length)]!, 'utf8');
        b = Buffer.concat([b.subarray(0, at), t, b.subarray(at)]);
      }
    }
  }
  return b;
}

/** The values a round trip must preserve (Content-Length is rewritten by design). */
function shape(m: SipMessage): unknown {
  return {
    start: m.kind === 'request' ? [m.method, formatUri(m.uri)] : [m.status, m.reason],
    fields: [...m.headers].filter((f) => f.key !== 'content-length').map((f) => [f.name, f.value]),
    body: m.body.toString('latin1'),
  };
}

const stats = { messages: 0, parsed: 0, framed: 0 };

function exercise(bytes: Buffer, r: Rand | undefined): void {
  try {
    exerciseUnguarded(bytes, r);
  } catch (e) {
    // Print the input so it can be saved to test/corpus/sip/crashers.
    throw new Error(`${e instanceof Error ? e.message : String(e)}\ninput (base64): ${bytes.toString('base64')}`, { cause: e });
  }
}

function exerciseUnguarded(bytes: Buffer, r: Rand | undefined): void {
  stats.messages++;
  const started = performance.now();
  const res = parseMessage(bytes);
  if (res.ok) {
    stats.parsed++;
    const again = parseMessage(serializeMessage(res.value));
    if (!again.ok) throw new Error(`round trip failed: ${again.error.message}\n${bytes.toString('base64')}`);
    expect(shape(again.value)).toEqual(shape(res.value));
  } else if (!CODES.has(res.error.code) || typeof res.error.reason !== 'string') {
    throw new Error(`untyped error ${JSON.stringify(res.error)}`);
  }
  if (stats.messages % 8 === 0) {
    // checkMessage finds the same first error; on a valid message it may only add lazy-header remarks.
    const check = checkMessage(bytes);
    if (res.ok) expect(check.errors.every((e) => e.code === 'bad-header-value')).toBe(true);
    else expect(check.errors[0]).toEqual(res.error);
  }
  const framer = new SipStreamFramer({ maxMessageBytes: 8192, maxHeaderCount: 64 });
  let offset = 0;
  const chunks = r === undefined ? 1 : 1 + r.int(3);
  for (let c = 0; c < chunks; c++) {
    const end = c === chunks - 1 ? bytes.length : Math.min(bytes.length, offset + (r?.int(bytes.length) ?? 0));
    for (const ev of framer.push(bytes.subarray(offset, end))) {
      if (ev.kind === 'error') {
        if (!CODES.has(ev.error.code)) throw new Error(`untyped framer error ${ev.error.code}`);
      } else if (ev.kind === 'message') {
        stats.framed++;
        const m = parseMessage(ev.bytes);
        if (!m.ok && !CODES.has(m.error.code)) throw new Error('untyped error');
      }
    }
    expect(framer.capacity).toBeLessThanOrEqual(2 * 8192 + bytes.length + 4096);
    offset = end;
  }
  // A single mutant that takes this long is a hang in the making (not a timing assertion).
  expect(performance.now() - started).toBeLessThan(2000);
}

describe('SIP parser and framer fuzzing', () => {
  it('replays every crasher in test/corpus/sip/crashers', () => {
    for (const c of crashers) exercise(c, undefined);
  });

  it('survives 100,000 mutated messages: typed errors only, round trips hold, framer stays bounded', () => {
    const BATCH = 50;
    const RUNS = 2000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.integer({ min: 1, max: 0x7fffffff }), (seedIndex, rngSeed) => {
        const r = new Rand(rngSeed);
        for (let i = 0; i < BATCH; i++) exercise(mutate(seeds[(seedIndex + i) % seeds.length]!, r), r);
      }),
      { numRuns: RUNS },
    );
    expect(stats.messages).toBeGreaterThanOrEqual(100_000);
    // The mutator must not be so destructive that nothing parses (then the property would be weak).
    expect(stats.parsed).toBeGreaterThan(stats.messages / 20);
    expect(stats.framed).toBeGreaterThan(stats.messages / 20);
  }, 120_000);
});
