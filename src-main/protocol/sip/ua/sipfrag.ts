/**
 * message/sipfrag (RFC 3420) as carried by NOTIFY for REFER progress (RFC 3515 §2.4.5):
 * a status line such as `SIP/2.0 180 Ringing`.
 */
export function formatSipfrag(status: number, reason: string): string {
  return `SIP/2.0 ${status} ${reason}\r\n`;
}

export function parseSipfragStatus(body: string): { status: number; reason: string } | undefined {
  const m = /^SIP\/2\.0\s+(\d{3})\s*([^\r\n]*)/.exec(body.trimStart());
  if (m === null) return undefined;
  const status = Number(m[1]);
  return status >= 100 && status <= 699 ? { status, reason: m[2]!.trim() } : undefined;
}
