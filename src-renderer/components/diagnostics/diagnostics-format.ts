/** Formatting for the Diagnostics view: log times with milliseconds, sizes, the download of a text file. */

const two = (n: number): string => String(n).padStart(2, '0');

/** `14:02:03.123` in local time (the SIP log's clock, to the millisecond). */
export function logTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** `812 B`, `14.2 kB`, `3.1 MB` (decimal units, as file managers show them). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The transport as people write it: TLS, TCP, UDP, WS… */
export function transportName(transport: string): string {
  return transport.toUpperCase();
}

/** Saves text as a file the way a browser does (the desktop app's session asks where). */
export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
