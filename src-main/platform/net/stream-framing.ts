/**
 * The shape of the SIP stream framer (RFC 3261 §18.3 Content-Length framing, plus RFC 5626 §3.5.1
 * CRLF ping/pong) as the connection layer uses it. The implementation lives in
 * `protocol/sip/message/stream-framer.ts`; platform code may not import protocol values
 * (DESIGN.md layering), so the composition root hands in a factory. This structural type is
 * compatible with `SipStreamFramer`.
 */
export type StreamFramerEvent =
  | { readonly kind: 'message'; readonly bytes: Buffer }
  | { readonly kind: 'ping' }
  | { readonly kind: 'pong' }
  | { readonly kind: 'error'; readonly error: unknown; readonly fatal: boolean };

export interface StreamFramer {
  push(chunk: Uint8Array): readonly StreamFramerEvent[];
  reset(): void;
}

export type StreamFramerFactory = () => StreamFramer;

/** RFC 5626 §3.5.1: the keep-alive ping (client → server) and pong (server → client). */
export const CRLF_PING = Buffer.from('\r\n\r\n', 'latin1');
export const CRLF_PONG = Buffer.from('\r\n', 'latin1');
