/**
 * What a transport does with bytes it received (issue 3: "malformed input never throws past the
 * transport: it is counted, logged with secrets redacted, and answered with 400 where possible"):
 * parse, count by outcome, log problems through the redacting logger (DESIGN.md rule 3), and
 * produce the 400/505 for a malformed request (RFC 3261 §8.2.1, §21.4.1) to send back to the source
 * (over the same connection for streams). CRLF keep-alives are recognised (RFC 5626 §4.4.1).
 */
import { nullLogger, type Logger } from '../../../base/logger.js';
import { redactText } from '../../../base/redact.js';
import { createParseErrorResponse } from './error-response.js';
import type { SipMessage, SipResponse } from './message.js';
import { parseMessage } from './parser.js';
import type { SipParseError, SipParseErrorCode } from './sip-parse-error.js';

export type InboundResult =
  | { readonly kind: 'message'; readonly message: SipMessage }
  | { readonly kind: 'keepalive' }
  | { readonly kind: 'rejected'; readonly error: SipParseError; readonly reply: SipResponse | undefined };

export interface InboundCounters {
  messages: number;
  keepalives: number;
  rejected: number;
  readonly byCode: Partial<Record<SipParseErrorCode, number>>;
}

export class InboundParser {
  readonly counters: InboundCounters = { messages: 0, keepalives: 0, rejected: 0, byCode: {} };
  private readonly logger: Logger;

  constructor(
    logger: Logger = nullLogger,
    /** To-tag generator for the To of 400 responses (RFC 3261 §8.2.6.2); none when omitted. */
    private readonly toTag?: () => string,
  ) {
    this.logger = logger.child('sip.inbound');
  }

  /** One datagram, or one message cut by SipStreamFramer. `from` only labels log lines. */
  accept(bytes: Uint8Array, from = ''): InboundResult {
    const r = parseMessage(bytes);
    if (r.ok) {
      this.counters.messages++;
      return { kind: 'message', message: r.value };
    }
    if (r.error.code === 'empty') {
      this.counters.keepalives++;
      return { kind: 'keepalive' };
    }
    this.counters.rejected++;
    this.counters.byCode[r.error.code] = (this.counters.byCode[r.error.code] ?? 0) + 1;
    const reply = createParseErrorResponse(bytes, r.error, this.toTag === undefined ? {} : { toTag: this.toTag() });
    const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 200))).toString('latin1').split(/\r?\n/)[0] ?? '';
    this.logger.warn('malformed SIP message', { from, code: r.error.code, reason: r.error.reason, detail: r.error.message, firstLine: redactText(head), answered: reply !== undefined });
    return { kind: 'rejected', error: r.error, reply };
  }
}
