import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage } from './parser.js';
import { SipStreamFramer, type FramerEvent } from './stream-framer.js';

const msg = (body = '', extra = ''): string =>
  `OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TLS h;branch=z9hG4bK1\r\nFrom: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const kinds = (events: FramerEvent[]): string[] => events.map((e) => (e.kind === 'error' ? `error:${e.error.code}:${e.fatal ? 'fatal' : 'skip'}` : e.kind));
const feed = (f: SipStreamFramer, ...chunks: string[]): FramerEvent[] => chunks.flatMap((c) => f.push(Buffer.from(c, 'latin1')));

describe('SipStreamFramer (RFC 3261 §18.3, RFC 5626 §4.4.1)', () => {
  it('cuts back-to-back messages by Content-Length', () => {
    const f = new SipStreamFramer();
    const ev = feed(f, msg('hello') + msg() + msg('x'));
    expect(kinds(ev)).toEqual(['message', 'message', 'message']);
    expect(ev.map((e) => (e.kind === 'message' ? e.bytes.toString('latin1') : ''))).toEqual([msg('hello'), msg(), msg('x')]);
  });

  it('gives the same messages whatever the chunk boundaries', () => {
    const stream = Buffer.from(msg('body one') + '\r\n\r\n' + msg('two'), 'latin1');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const f = new SipStreamFramer();
        const events: FramerEvent[] = [];
        let last = 0;
        for (const p of [...points, stream.length]) {
          events.push(...f.push(stream.subarray(last, p)));
          last = p;
        }
        const messages = events.filter((e) => e.kind === 'message');
        expect(messages.map((e) => (e.kind === 'message' ? e.bytes.toString('latin1') : ''))).toEqual([msg('body one'), msg('two')]);
      }),
      { numRuns: 200 },
    );
  });

  it('reports CRLFCRLF as ping and a lone CRLF as pong between messages', () => {
    const f = new SipStreamFramer();
    expect(kinds(feed(f, '\r\n\r\n'))).toEqual(['ping']);
    expect(kinds(feed(f, '\r\n'))).toEqual(['pong']);
    expect(kinds(feed(f, '\r\n\r\n\r\n'))).toEqual(['ping', 'pong']);
    expect(kinds(feed(f, '\r\n' + msg()))).toEqual(['pong', 'message']);
    expect(kinds(feed(f, '\r', '\n\r', '\n'))).toEqual(['ping']);
  });

  it('is fatal without Content-Length, with a negative or conflicting one, and stays failed until reset', () => {
    const noLength = msg().replace('Content-Length: 0\r\n', '');
    expect(kinds(feed(new SipStreamFramer(), noLength))).toEqual(['error:bad-content-length:fatal']);
    expect(kinds(feed(new SipStreamFramer(), msg().replace('Content-Length: 0', 'Content-Length: -999')))).toEqual(['error:bad-content-length:fatal']);
    const f = new SipStreamFramer();
    const mcl01 = readFileSync(new URL('../../../../test/vectors/rfc4475/mcl01.dat', import.meta.url));
    expect(kinds(f.push(mcl01))).toEqual(['error:bad-content-length:fatal']);
    expect(kinds(feed(f, msg()))).toEqual([]);
    f.reset();
    expect(kinds(feed(f, msg()))).toEqual(['message']);
  });

  it('waits for a body longer than what arrived (RFC 4475 §3.1.2.2 over TCP) without emitting anything', () => {
    const f = new SipStreamFramer();
    const clerr = readFileSync(new URL('../../../../test/vectors/rfc4475/clerr.dat', import.meta.url));
    expect(f.push(clerr)).toEqual([]);
  });

  it('bounds memory: an endless header section is fatal once it passes maxMessageBytes', () => {
    const f = new SipStreamFramer({ maxMessageBytes: 2000 });
    const events: FramerEvent[] = [];
    events.push(...feed(f, 'OPTIONS sip:a@b SIP/2.0\r\n'));
    for (let i = 0; i < 100 && events.length === 0; i++) events.push(...feed(f, 'X-Filler: 0123456789012345678901234567890123456789\r\n'));
    expect(kinds(events)).toEqual(['error:too-large:fatal']);
  });

  it('is fatal when a declared Content-Length takes the message past the limit (the flow must be replaced, issue 15)', () => {
    const f = new SipStreamFramer({ maxMessageBytes: 1000 });
    const big = msg('x'.repeat(2000));
    expect(kinds(feed(f, big.slice(0, 500), big.slice(500), msg('ok')))).toEqual(['error:too-large:fatal']);
    expect(f.pending).toBe('none');
    // An absurd length arrives with its header section alone: fatal at once, no body awaited.
    const absurd = new SipStreamFramer();
    expect(kinds(feed(absurd, msg().replace('Content-Length: 0', 'Content-Length: 4294967295')))).toEqual(['error:too-large:fatal']);
    expect(kinds(feed(absurd, msg()))).toEqual([]);
    // The same for a header block that is not SIP: nothing is skipped for gigabytes.
    const notSip = new SipStreamFramer();
    expect(kinds(feed(notSip, 'GET / HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n'))).toEqual(['error:too-large:fatal']);
    // Just within the limit is still a message.
    const edge = msg('y'.repeat(100));
    expect(kinds(feed(new SipStreamFramer({ maxMessageBytes: Buffer.byteLength(edge) }), edge))).toEqual(['message']);
    expect(kinds(feed(new SipStreamFramer({ maxMessageBytes: Buffer.byteLength(edge) - 1 }), edge))).toEqual(['error:too-large:fatal']);
  });

  it('skips a well-framed message with too many headers, then carries on', () => {
    const f = new SipStreamFramer({ maxMessageBytes: 1000, maxHeaderCount: 10 });
    const many = msg('', 'X-A: 1\r\nX-B: 2\r\nX-C: 3\r\nX-D: 4\r\nX-E: 5\r\n');
    expect(kinds(feed(f, many + msg()))).toEqual(['error:too-many-headers:skip', 'message']);
  });

  it('says what it holds: nothing, part of a header section, or a body', () => {
    const f = new SipStreamFramer();
    expect(f.pending).toBe('none');
    feed(f, '\r\n\r\n');
    expect(f.pending).toBe('none');
    feed(f, 'OPTIONS sip:a@b SIP/2.0\r\nVia: x');
    expect(f.pending).toBe('header');
    const whole = msg('hello');
    const f2 = new SipStreamFramer();
    feed(f2, whole.slice(0, whole.length - 3));
    expect(f2.pending).toBe('body');
    expect(kinds(feed(f2, whole.slice(whole.length - 3)))).toEqual(['message']);
    expect(f2.pending).toBe('none');
  });

  it('resynchronises after a header block that is not SIP', () => {
    const f = new SipStreamFramer();
    expect(kinds(feed(f, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc' + msg()))).toEqual(['error:bad-start-line:skip', 'message']);
  });

  it('frames every RFC 4475 message that has a usable Content-Length exactly as the datagram parser cuts it', () => {
    const dir = new URL('../../../../test/vectors/rfc4475/', import.meta.url);
    const index = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as Array<{ name: string; valid: boolean }>;
    for (const e of index.filter((x) => x.valid && x.name !== 'inv2543')) {
      const bytes = readFileSync(new URL(`${e.name}.dat`, dir));
      const parsed = parseMessage(bytes);
      if (!parsed.ok) throw new Error(e.name);
      const events = new SipStreamFramer().push(bytes);
      const first = events.find((ev) => ev.kind === 'message');
      expect(first, e.name).toBeDefined();
      const again = parseMessage(first!.kind === 'message' ? first!.bytes : Buffer.alloc(0));
      expect(again.ok && again.value.body.equals(parsed.value.body), e.name).toBe(true);
    }
  });
});
