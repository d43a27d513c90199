/**
 * Text a peer sent us for people — a reason phrase (RFC 3261 §7.2), a Warning (§20.43), a Reason
 * header (RFC 3326): passed up verbatim as wire data, never turned into our own words, but bounded
 * because the peer controls its length.
 */
export const PEER_TEXT_MAX = 200;

/** The text trimmed and cut to PEER_TEXT_MAX; undefined when there is none. */
export function boundedPeerText(text: string | undefined): string | undefined {
  const t = text?.trim();
  return t === undefined || t === '' ? undefined : t.slice(0, PEER_TEXT_MAX);
}
