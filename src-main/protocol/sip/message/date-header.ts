/**
 * Date (RFC 3261 §20.17): rfc1123-date = wkday "," SP date1 SP time SP "GMT" — the zone must be GMT
 * (RFC 4475 §3.1.2.12 sends "EST"). Returns milliseconds since the epoch.
 */
const WKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC1123 = /^[ \t]*([A-Za-z]{3}), (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT[ \t]*$/;

export function parseSipDate(value: string): number | undefined {
  const m = RFC1123.exec(value);
  if (m === null) return undefined;
  const [, wk, dd, mon, yyyy, hh, mi, ss] = m;
  if (!WKDAYS.includes(wk!)) return undefined;
  const month = MONTHS.indexOf(mon!);
  if (month < 0) return undefined;
  const day = Number(dd);
  const h = Number(hh);
  const min = Number(mi);
  const sec = Number(ss);
  if (day < 1 || day > 31 || h > 23 || min > 59 || sec > 60) return undefined;
  return Date.UTC(Number(yyyy), month, day, h, min, sec);
}

export function formatSipDate(epochMs: number): string {
  // toUTCString gives exactly the rfc1123 form: "Tue, 01 Jan 2026 00:00:00 GMT"
  return new Date(epochMs).toUTCString();
}
