/**
 * Stream framing for SIP over TCP/TLS (RFC 3261 §18.3): messages are cut by Content-Length, which is
 * mandatory on streams (§20.14). Between messages, CRLFs are keep-alives (RFC 5626 §4.4.1): a double
 * CRLF is a "ping", a single CRLF a "pong"; §7.5's "ignore CRLF before the start line" is the same
 * rule seen from the parser.
 *
 * Limits bound memory: a header section that grows past `maxMessageBytes` without ending, a
 * broken Content-Length, or a declared Content-Length that takes the message past
 * `maxMessageBytes` is fatal: the connection must be closed and replaced (nothing says where the
 * next message starts, RFC 4475 §3.1.2.3, §3.3.9; and skipping a declared 4 GB body would keep a
 * hostile peer's flow "alive" while it streams, issue 15). A well-framed message with too many
 * headers is skipped with a non-fatal error (it is bounded by the size limit), as is a header block
 * whose first line is not a SIP start line and whose length is within the limit (resynchronisation
 * at the next message boundary).
 *
 * The framer has no clock (protocol code is pure): `pending` says whether a message is under way,
 * so the flow can bound how long its header section may take (sip-stream-flow.ts).
 *
 * A lone CRLF at the end of a chunk is reported as a pong at once rather than waiting to see
 * whether a second CRLF (a ping split across segments) follows: peers send pings in one write.
 */
import { parseContentLength } from './scalars.js';
import { sipParseError, type SipParseError } from './sip-parse-error.js';

/** What the framer holds between messages: nothing, part of a header section, or a body being read. */
export type FramerPending = 'none' | 'header' | 'body';

export type FramerEvent =
  | { kind: 'message'; bytes: Buffer }
  | { kind: 'ping' } /* CRLFCRLF keep-alive, RFC 5626 §4.4.1 */
  | { kind: 'pong' } /* single CRLF */
  | { kind: 'error'; error: SipParseError; fatal: boolean };

export interface FramerOptions {
  /** Largest message (headers + body) accepted; default 65,536 octets. */
  readonly maxMessageBytes?: number;
  /** Most header fields in one message; default 256. */
  readonly maxHeaderCount?: number;
}

const CR = 0x0d;
const LF = 0x0a;
const REQUEST_LINE = /^[A-Za-z0-9\-.!%*_+`'~]+ [^ ]+ SIP\/\d+\.\d+\r?$/i;
const STATUS_LINE = /^SIP\/\d+\.\d+ \d{3}( |\r?$)/i;
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/gim;

export class SipStreamFramer {
  private readonly maxMessageBytes: number;
  private readonly maxHeaderCount: number;
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  private pos = 0;
  /** Where to resume looking for the end of the header section. */
  private scanFrom = 0;
  /** Bytes still to drop of a message being skipped. */
  private discard = 0;
  /** Total length of the message being received once its header section is known, else -1. */
  private need = -1;
  private failed = false;

  constructor(options: FramerOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? 65_536;
    this.maxHeaderCount = options.maxHeaderCount ?? 256;
  }

  push(chunk: Uint8Array): FramerEvent[] {
    const events: FramerEvent[] = [];
    if (this.failed || chunk.length === 0) return events;
    this.append(chunk);
    for (;;) {
      if (this.discard > 0) {
        const n = Math.min(this.discard, this.len - this.pos);
        this.discard -= n;
        this.pos += n;
        if (this.discard > 0) break;
      }
      if (this.need >= 0) {
        if (this.len - this.pos < this.need) break;
        events.push({ kind: 'message', bytes: Buffer.from(this.buf.subarray(this.pos, this.pos + this.need)) });
        this.pos += this.need;
        this.need = -1;
        this.scanFrom = this.pos;
        continue;
      }
      if (this.pos >= this.len) break;
      const keepAlive = this.keepAlive();
      if (keepAlive === 'wait') break;
      if (keepAlive !== undefined) {
        if (keepAlive !== 'skip') events.push({ kind: keepAlive });
        continue;
      }
      if (!this.frameHead(events)) break;
    }
    this.compact();
    return events;
  }

  /** Octets held for an incomplete message (for leak checks and metrics). */
  get bufferedBytes(): number {
    return this.len - this.pos;
  }

  /**
   * Whether a message is under way: `header` while its header section has not ended (any bytes
   * held that are not a whole keep-alive), `body` once the header section is complete and its body
   * is awaited, `none` at a message boundary (or after a fatal error).
   */
  get pending(): FramerPending {
    if (this.failed) return 'none';
    if (this.need >= 0 || this.discard > 0) return 'body';
    return this.len > this.pos ? 'header' : 'none';
  }

  /** Size of the internal buffer; bounded by about twice maxMessageBytes plus one chunk. */
  get capacity(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
    this.len = 0;
    this.pos = 0;
    this.scanFrom = 0;
    this.discard = 0;
    this.need = -1;
    this.failed = false;
  }

  /** Keep-alive CRLFs at a message boundary. */
  private keepAlive(): 'ping' | 'pong' | 'skip' | 'wait' | undefined {
    const b = this.buf;
    const p = this.pos;
    const avail = this.len - p;
    if (b[p] === LF) {
      this.pos += 1; // a bare LF: tolerated and ignored
      this.scanFrom = this.pos;
      return 'skip';
    }
    if (b[p] !== CR) return undefined;
    if (avail < 2) return 'wait';
    if (b[p + 1] !== LF) return undefined; // CR then something else: garbage, framed below
    if (avail >= 4 && b[p + 2] === CR && b[p + 3] === LF) {
      this.pos += 4;
      this.scanFrom = this.pos;
      return 'ping';
    }
    if (avail === 3 && b[p + 2] === CR) return 'wait';
    this.pos += 2;
    this.scanFrom = this.pos;
    return 'pong';
  }

  /** Finds and checks a header section; false when more bytes are needed or the framer failed. */
  private frameHead(events: FramerEvent[]): boolean {
    const view = this.buf.subarray(0, this.len);
    // The end of the header section: the first LF followed by LF or CRLF. One pass over the bytes
    // not yet looked at (searching for each terminator to the end of the buffer was quadratic in
    // a run of short non-SIP blocks, found by the fuzzer).
    let i = Math.max(this.pos, this.scanFrom);
    let headEnd = -1;
    let bodyStart = -1;
    for (;;) {
      const lf = view.indexOf(LF, i);
      if (lf < 0) {
        i = this.len;
        break;
      }
      if (lf + 1 >= this.len) {
        i = lf; // undecided until the next byte arrives
        break;
      }
      if (view[lf + 1] === LF) {
        headEnd = lf + 1;
        bodyStart = lf + 2;
        break;
      }
      if (view[lf + 1] === CR) {
        if (lf + 2 >= this.len) {
          i = lf;
          break;
        }
        if (view[lf + 2] === LF) {
          headEnd = lf + 1;
          bodyStart = lf + 3;
          break;
        }
      }
      i = lf + 1;
    }
    if (headEnd < 0) {
      if (this.len - this.pos > this.maxMessageBytes) {
        return this.fail(events, sipParseError('too-large', 'Message Too Large', `header section exceeds ${this.maxMessageBytes} octets`));
      }
      this.scanFrom = i;
      return false;
    }
    const head = view.toString('latin1', this.pos, headEnd);
    const firstEnd = head.indexOf('\n');
    const firstLine = head.slice(0, firstEnd);
    let contentLength: number | undefined;
    let lengthError: string | undefined;
    for (const m of head.matchAll(CONTENT_LENGTH)) {
      const v = parseContentLength(m[1]!);
      if (v === undefined) lengthError = `invalid Content-Length "${m[1]!.trim().slice(0, 20)}"`;
      else if (contentLength !== undefined && contentLength !== v) lengthError = 'conflicting Content-Length values';
      else contentLength = v;
    }
    const headLength = bodyStart - this.pos;
    if (!REQUEST_LINE.test(firstLine) && !STATUS_LINE.test(firstLine)) {
      if (lengthError === undefined && contentLength !== undefined && headLength + contentLength > this.maxMessageBytes) {
        return this.fail(events, sipParseError('too-large', 'Message Too Large', `declared length of ${headLength + contentLength} octets exceeds ${this.maxMessageBytes}`));
      }
      // Resynchronise: drop this header block (and its body when its length is known).
      events.push({ kind: 'error', error: sipParseError('bad-start-line', 'Malformed Start Line', `not a SIP start line: "${firstLine.slice(0, 40)}"`), fatal: false });
      this.pos = bodyStart;
      this.scanFrom = bodyStart;
      this.discard = lengthError === undefined ? (contentLength ?? 0) : 0;
      return true;
    }
    if (lengthError !== undefined) return this.fail(events, sipParseError('bad-content-length', 'Invalid Content-Length', lengthError, 'Content-Length'));
    if (contentLength === undefined) {
      return this.fail(events, sipParseError('bad-content-length', 'Missing Content-Length', 'Content-Length is mandatory on stream transports (RFC 3261 §18.3)', 'Content-Length'));
    }
    const total = headLength + contentLength;
    let headerCount = 0;
    for (let i = firstEnd + 1; i < head.length; i++) {
      if (head.charCodeAt(i - 1) === LF && head.charCodeAt(i) !== 0x20 && head.charCodeAt(i) !== 0x09) headerCount++;
    }
    if (total > this.maxMessageBytes) {
      return this.fail(events, sipParseError('too-large', 'Message Too Large', `declared length of ${total} octets exceeds ${this.maxMessageBytes}`));
    }
    if (headerCount > this.maxHeaderCount) {
      events.push({ kind: 'error', error: sipParseError('too-many-headers', 'Too Many Headers', `${headerCount} header fields exceed ${this.maxHeaderCount}`), fatal: false });
      const have = Math.min(total, this.len - this.pos);
      this.pos += have;
      this.discard = total - have;
      this.scanFrom = this.pos;
      return true;
    }
    this.need = total;
    return true;
  }

  private fail(events: FramerEvent[], error: SipParseError): false {
    events.push({ kind: 'error', error, fatal: true });
    this.failed = true;
    this.buf = Buffer.alloc(0);
    this.len = 0;
    this.pos = 0;
    return false;
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const size = Math.max(this.len + chunk.length, Math.min(this.buf.length * 2, this.maxMessageBytes * 2 + chunk.length), 4096);
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, this.pos, this.len);
      this.len -= this.pos;
      this.scanFrom -= this.pos;
      this.pos = 0;
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  private compact(): void {
    if (this.pos === 0) return;
    if (this.pos >= this.len) {
      this.len = 0;
      this.pos = 0;
      this.scanFrom = 0;
      if (this.buf.length > 65_536) this.buf = Buffer.alloc(0);
      return;
    }
    if (this.pos > this.buf.length / 2) {
      this.buf.copy(this.buf, 0, this.pos, this.len);
      this.len -= this.pos;
      this.scanFrom = Math.max(0, this.scanFrom - this.pos);
      this.pos = 0;
    }
  }
}
