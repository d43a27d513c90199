/**
 * Reads the SIP message log Kamailio's `sipdump` module writes (every message received and sent,
 * after TLS decryption), so tests can assert on what really crossed the wire: the SDP's
 * `RTP/SAVP` and `a=crypto`, Via/Contact rewriting, auth headers.
 *
 * The file format (sipdump, mode 1) is a sequence of records:
 *   ====================
 *   tag: rcv|snd
 *   ... (pid, process, time, date, proto, srcip, srcport, dstip, dstport)
 *   ~~~~~~~~~~~~~~~~~~~~
 *   <the SIP message>
 *   ||||||||||||||||||||
 *
 * NOTE: these logs hold wire secrets by design (digest responses, SDES keys). They live in the
 * harness temp directory only; a "no secrets in our logs" test must not grep them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SipLogEntry {
  /** `in`: Kamailio received it; `out`: Kamailio sent it. */
  readonly direction: 'in' | 'out';
  /** Transport: udp, tcp, tls (Kamailio's name). */
  readonly proto: string;
  /** Seconds since the epoch (microsecond resolution). */
  readonly time: number;
  readonly src: { readonly ip: string; readonly port: number };
  readonly dst: { readonly ip: string; readonly port: number };
  readonly raw: string;
  readonly message: LiteSipMessage;
}

/** A deliberately small SIP reader for assertions in tests (not our product parser). */
export interface LiteSipMessage {
  readonly startLine: string;
  /** Request method, or undefined for a response. */
  readonly method?: string;
  /** Response status, or undefined for a request. */
  readonly status?: number;
  /** Header values by lower-case full name (compact forms expanded), in order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
  /** First value of a header (case-insensitive, compact forms understood). */
  header(name: string): string | undefined;
  /** The CSeq method (for responses: which request they answer). */
  readonly cseqMethod?: string;
}

const COMPACT: Record<string, string> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type',
  f: 'from', s: 'subject', k: 'supported', t: 'to', v: 'via', r: 'refer-to', b: 'referred-by', o: 'event', x: 'session-expires',
};

/** Parses one SIP message leniently (headers unfolded, compact names expanded). */
export function parseLiteSipMessage(raw: string): LiteSipMessage {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const lines = head.split(/\r?\n/);
  const startLine = lines.shift() ?? '';
  const headers = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last !== undefined && last.length > 0) {
      last[last.length - 1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    let name = line.slice(0, colon).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
    last = list;
  }
  const statusMatch = /^SIP\/2\.0\s+(\d{3})/.exec(startLine);
  const methodMatch = /^([A-Z]+)\s/.exec(startLine);
  const cseq = headers.get('cseq')?.[0]?.split(/\s+/)[1];
  const header = (name: string): string | undefined => {
    const n = name.toLowerCase();
    return headers.get(COMPACT[n] ?? n)?.[0];
  };
  return {
    startLine,
    ...(statusMatch !== null ? { status: Number(statusMatch[1]) } : methodMatch !== null ? { method: methodMatch[1] } : {}),
    headers,
    body,
    header,
    ...(cseq !== undefined ? { cseqMethod: cseq } : {}),
  };
}

/** Parses the content of one sipdump `.data` file. */
export function parseSipDump(text: string): SipLogEntry[] {
  const out: SipLogEntry[] = [];
  for (const record of text.split(/^={20}\r?\n/m)) {
    const sep = record.search(/^~{20}\r?\n/m);
    if (sep < 0) continue;
    const meta = new Map<string, string>();
    for (const line of record.slice(0, sep).split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) meta.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
    let raw = record.slice(sep).replace(/^~{20}\r?\n/, '');
    const end = raw.search(/\r?\n?\|{20}/);
    if (end >= 0) raw = raw.slice(0, end);
    out.push({
      direction: meta.get('tag') === 'snd' ? 'out' : 'in',
      proto: (meta.get('proto') ?? '').split(/\s+/)[0] ?? '',
      time: Number(meta.get('time') ?? 0),
      src: { ip: meta.get('srcip') ?? '', port: Number(meta.get('srcport') ?? 0) },
      dst: { ip: meta.get('dstip') ?? '', port: Number(meta.get('dstport') ?? 0) },
      raw,
      message: parseLiteSipMessage(raw),
    });
  }
  return out;
}

/** Every entry of every `.data` file in `dir` (files in name order: earlier runs `run-NNN-*`, then the current `sip-*`). */
export function readSipDumpDir(dir: string): SipLogEntry[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.data')).sort();
  } catch {
    return [];
  }
  return files.flatMap((f) => parseSipDump(readFileSync(join(dir, f), 'utf8')));
}

/** Every IP address in an SDP body's c= and o= lines (to check that all are loopback). */
export function sdpAddresses(sdp: string): string[] {
  const out: string[] = [];
  for (const m of sdp.matchAll(/^(?:c=IN IP[46] |o=\S+ \S+ \S+ IN IP[46] )(\S+)/gm)) if (m[1] !== undefined) out.push(m[1]);
  return out;
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopbackAddress(ip: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(ip) || ip === '::1' || ip === '[::1]';
}
