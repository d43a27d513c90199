/**
 * Serialization (RFC 3261 §7): start line, header fields as stored (byte for byte), empty line, body.
 * The serializer always emits a Content-Length equal to the body length (added when absent,
 * corrected when wrong), since stream transports cannot frame without it (RFC 3261 §18.3, §20.14).
 */
import { textToByteString } from './byte-string.js';
import type { SipMessage } from './message.js';
import { formatUri, type Uri } from './uri.js';

/** Formatted URIs by value object: URIs are immutable, and a request is often serialized more than once. */
const uriText = new WeakMap<Uri, string>();

function requestUriText(uri: Uri): string {
  let t = uriText.get(uri);
  if (t === undefined) {
    t = formatUri(uri);
    uriText.set(uri, t);
  }
  return t;
}

export function serializeMessage(msg: SipMessage): Buffer {
  let head =
    msg.kind === 'request'
      ? `${msg.method} ${requestUriText(msg.uri)} SIP/2.0\r\n`
      : `SIP/2.0 ${msg.status} ${textToByteString(msg.reason)}\r\n`;
  const bodyLength = msg.body.length;
  let sawLength = false;
  const { names, keys, values } = msg.headers.rawFields();
  for (let i = 0; i < names.length; i++) {
    const value = values[i]!;
    if (keys[i] === 'content-length') {
      if (sawLength) continue;
      sawLength = true;
      head += `${names[i]!}: ${value === String(bodyLength) ? value : bodyLength}\r\n`;
      continue;
    }
    head += `${names[i]!}: ${value}\r\n`;
  }
  if (!sawLength) head += `Content-Length: ${bodyLength}\r\n`;
  head += '\r\n';
  const headLength = head.length;
  const out = Buffer.allocUnsafe(headLength + bodyLength);
  out.write(head, 0, headLength, 'latin1');
  if (bodyLength > 0) out.set(msg.body, headLength);
  return out;
}

/** The serialized message as text, for logs (pass it through the redacting logger) and tests. */
export function messageToString(msg: SipMessage): string {
  return serializeMessage(msg).toString('utf8');
}
