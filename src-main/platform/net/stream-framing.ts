/**
 * The SIP stream framer (RFC 3261 §18.3 Content-Length framing, plus RFC 5626 §3.5.1 CRLF
 * ping/pong) as the connection layer uses it. The implementation is the pure one in
 * `protocol/sip/message/stream-framer.ts` (.dependency-cruiser.cjs allows platform to use it);
 * flows take a factory so tests can substitute their own.
 */
import { SipStreamFramer, type FramerEvent } from '../../protocol/sip/message/stream-framer.js';

export type StreamFramerEvent = FramerEvent;

export type StreamFramer = Pick<SipStreamFramer, 'push' | 'reset' | 'pending'>;

export type StreamFramerFactory = () => StreamFramer;

export const defaultFramerFactory: StreamFramerFactory = () => new SipStreamFramer();

/** RFC 5626 §3.5.1: the keep-alive ping (client → server) and pong (server → client). */
export const CRLF_PING = Buffer.from('\r\n\r\n', 'latin1');
export const CRLF_PONG = Buffer.from('\r\n', 'latin1');
