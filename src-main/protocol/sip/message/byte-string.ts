/**
 * Byte strings: the lossless text form used inside the SIP message layer.
 *
 * SIP header text is UTF-8 on the wire (RFC 3261 §7.3.1, TEXT-UTF8), but may carry any octet in
 * quoted-pairs and extension headers (RFC 4475 §3.1.1.2). To parse and serialize without lossy
 * string round trips, the parser latin1-decodes bytes: every char code is then exactly one octet.
 * Values meant for people (display names, reason phrases, quoted strings) are converted to real
 * text with `byteStringToText`; text supplied by callers is converted back with `textToByteString`.
 */

/** True when the byte string has an octet above 0x7F (so it is not plain ASCII). */
export function hasHighOctet(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** Decodes a byte string as UTF-8 text (invalid sequences become U+FFFD). ASCII passes through as is. */
export function byteStringToText(s: string): string {
  if (!hasHighOctet(s)) return s;
  return Buffer.from(s, 'latin1').toString('utf8');
}

/** Encodes text as a UTF-8 byte string. ASCII passes through as is. */
export function textToByteString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'utf8').toString('latin1');
  }
  return s;
}

/** Views any Uint8Array as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
