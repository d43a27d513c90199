/**
 * SDP serializer (RFC 8866 §5): lines in the order the RFC prescribes, CRLF line ends, a final
 * CRLF. Unknown line types are written at the end of their level.
 */
import type { Attribute, Bandwidth, Connection, MediaDescription, SessionDescription } from './session-description.js';

function connectionLine(c: Connection): string {
  return `c=${c.netType} ${c.addrType} ${c.address}`;
}

function bandwidthLine(b: Bandwidth): string {
  return `b=${b.type}:${b.value}`;
}

export function attributeLine(a: Attribute): string {
  return a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`;
}

function mediaLines(m: MediaDescription, out: string[]): void {
  const port = m.portCount === undefined ? `${m.port}` : `${m.port}/${m.portCount}`;
  out.push(`m=${m.type} ${port} ${m.protocol}${m.formats.map((f) => ` ${f}`).join('')}`);
  if (m.information !== undefined) out.push(`i=${m.information}`);
  for (const c of m.connections) out.push(connectionLine(c));
  for (const b of m.bandwidths) out.push(bandwidthLine(b));
  if (m.encryptionKey !== undefined) out.push(`k=${m.encryptionKey}`);
  for (const a of m.attributes) out.push(attributeLine(a));
  for (const u of m.unknownLines) out.push(`${u.type}=${u.value}`);
}

export function serializeSdp(sd: SessionDescription): string {
  const out: string[] = [];
  const o = sd.origin;
  out.push(`v=${sd.version}`);
  out.push(`o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`);
  out.push(`s=${sd.sessionName}`);
  if (sd.information !== undefined) out.push(`i=${sd.information}`);
  if (sd.uri !== undefined) out.push(`u=${sd.uri}`);
  for (const e of sd.emails) out.push(`e=${e}`);
  for (const p of sd.phones) out.push(`p=${p}`);
  if (sd.connection !== undefined) out.push(connectionLine(sd.connection));
  for (const b of sd.bandwidths) out.push(bandwidthLine(b));
  for (const t of sd.times) {
    out.push(`t=${t.start} ${t.stop}`);
    for (const r of t.repeats) out.push(`r=${r}`);
  }
  if (sd.timeZones !== undefined) out.push(`z=${sd.timeZones}`);
  if (sd.encryptionKey !== undefined) out.push(`k=${sd.encryptionKey}`);
  for (const a of sd.attributes) out.push(attributeLine(a));
  for (const u of sd.unknownLines) out.push(`${u.type}=${u.value}`);
  for (const m of sd.media) mediaLines(m, out);
  return `${out.join('\r\n')}\r\n`;
}
