/**
 * `npm run bench -- srtp [--seconds S] [--rounds N] [--only TEXT] [--no-peer] [--baselines]`
 *
 * SRTP/SRTCP protect and unprotect packets per second, single thread, for our engine and for
 * Debian's libsrtp2 measured in the same run (bench/libsrtp2/srtp-bench.c, compiled here into
 * bench/bin/). One JSON line per figure:
 *
 *   {"bench":"srtp","impl":"softphone"|"libsrtp2","profile":"AES_CM_128_HMAC_SHA1_80","payload":160,
 *    "op":"protect"|"unprotect","pps":N,"kind":"srtp"|"srtcp"}
 *
 * plus, for our lines, "ratio" = ours / libsrtp2's. Each figure is the best of N interleaved rounds
 * (peer, ours, peer, ours, ...; default 3 rounds of 0.5 s per operation), so that load from other
 * processes on a shared machine hits both implementations alike and bursts do not decide the ratio. Our figures use the API the media pipeline uses:
 * `protectRtp` (allocates the output buffer, returns a Result) and `unprotectRtp` (in place, Result).
 *
 * `--baselines` adds "impl":"node-crypto-per-packet" protect lines: the straightforward
 * node:crypto form (a new AES-CTR cipher and HMAC, or a new AES-GCM cipher, per packet). They are
 * the evidence DESIGN.md rule 6 asks for: the hand-written SHA-1 and GHASH exist because they beat it.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHmac } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SrtpContext } from '../src-main/protocol/srtp/srtp-context.js';
import type { SrtpSuiteName } from '../src-main/protocol/srtp/srtp-suite.js';
import { rtcpPacket, rtpPacket, testKeyParams } from '../src-main/protocol/srtp/srtp-test-packets.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Case {
  readonly profile: SrtpSuiteName;
  readonly payload: number;
  readonly kind: 'srtp' | 'srtcp';
}

const CASES: readonly Case[] = [
  ...(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM'] as const).flatMap((profile) =>
    [160, 1200].map((payload) => ({ profile, payload, kind: 'srtp' as const })),
  ),
  { profile: 'AES_CM_128_HMAC_SHA1_80', payload: 160, kind: 'srtcp' },
  { profile: 'AEAD_AES_128_GCM', payload: 160, kind: 'srtcp' },
];

const CHUNK = 4096;

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function measureOurs(c: Case, seconds: number): { protect: number; unprotect: number } {
  const key = testKeyParams(c.profile, 7);
  const rtcp = c.kind === 'srtcp';
  // protect: one plaintext buffer whose sequence number advances, a new output per packet.
  let tx = new SrtpContext(key);
  const plain = rtcp ? rtcpPacket(0xcafebabe, c.payload) : rtpPacket({ seq: 0, ssrc: 0xcafebabe, payload: c.payload });
  let seq = 0;
  let n = 0;
  let sink = 0;
  // Warm-up so the JIT has compiled the hot path before timing.
  for (let i = 0; i < 20_000; i++) {
    plain[2] = rtcp ? plain[2]! : (seq >>> 8) & 0xff;
    if (!rtcp) plain[3] = seq & 0xff;
    seq = (seq + 1) & 0xffff;
    const r = rtcp ? tx.protectRtcp(plain) : tx.protectRtp(plain);
    if (r.ok) sink += r.value.length;
  }
  tx = new SrtpContext(key);
  seq = 0;
  const t0 = now();
  let t1: number;
  do {
    for (let k = 0; k < 1000; k++) {
      if (!rtcp) {
        plain[2] = (seq >>> 8) & 0xff;
        plain[3] = seq & 0xff;
      }
      seq = (seq + 1) & 0xffff;
      const r = rtcp ? tx.protectRtcp(plain) : tx.protectRtp(plain);
      if (!r.ok) throw new Error(`protect failed: ${r.error.code}`);
      sink += r.value.length;
      n++;
    }
    t1 = now();
  } while (t1 - t0 < seconds);
  const protect = n / (t1 - t0);

  // unprotect: chunks protected untimed, unprotected (in place) timed.
  tx = new SrtpContext(key);
  const rx = new SrtpContext(key);
  seq = 0;
  n = 0;
  let timed = 0;
  const chunk: Buffer[] = new Array<Buffer>(CHUNK);
  let warm = true;
  while (timed < seconds) {
    for (let k = 0; k < CHUNK; k++) {
      if (!rtcp) {
        plain[2] = (seq >>> 8) & 0xff;
        plain[3] = seq & 0xff;
      }
      seq = (seq + 1) & 0xffff;
      const r = rtcp ? tx.protectRtcp(plain) : tx.protectRtp(plain);
      if (!r.ok) throw new Error('protect failed');
      chunk[k] = r.value;
    }
    const a = now();
    for (let k = 0; k < CHUNK; k++) {
      const r = rtcp ? rx.unprotectRtcp(chunk[k]!) : rx.unprotectRtp(chunk[k]!);
      if (!r.ok) throw new Error(`unprotect failed: ${r.error.code}`);
      sink += r.value.length;
    }
    if (warm) {
      warm = false;
      continue;
    }
    timed += now() - a;
    n += CHUNK;
  }
  if (sink === 0) throw new Error('nothing measured');
  return { protect, unprotect: n / timed };
}

/** The plain node:crypto construction, per packet: what the hand-written primitives must beat. */
function measureNodeBaseline(c: Case, seconds: number): number {
  const gcm = c.profile.startsWith('AEAD');
  const key = Buffer.alloc(16, 7);
  const authKey = Buffer.alloc(20, 9);
  const iv = Buffer.alloc(gcm ? 12 : 16, 3);
  const plain = c.kind === 'srtcp' ? rtcpPacket(1, c.payload) : rtpPacket({ seq: 0, ssrc: 1, payload: c.payload });
  const hdr = c.kind === 'srtcp' ? 8 : 12;
  const roc = Buffer.alloc(4);
  let n = 0;
  let sink = 0;
  const t0 = now();
  let t1: number;
  do {
    for (let k = 0; k < 500; k++) {
      iv[iv.length - 1] = k & 0xff;
      const out = Buffer.allocUnsafe(plain.length + (gcm ? 16 : 10));
      plain.copy(out, 0, 0, hdr);
      if (gcm) {
        const g = createCipheriv('aes-128-gcm', key, iv);
        g.setAAD(plain.subarray(0, hdr));
        g.update(plain.subarray(hdr)).copy(out, hdr);
        g.final();
        g.getAuthTag().copy(out, plain.length);
      } else {
        const ctr = createCipheriv('aes-128-ctr', key, iv);
        ctr.update(plain.subarray(hdr)).copy(out, hdr);
        createHmac('sha1', authKey).update(out.subarray(0, plain.length)).update(roc).digest().copy(out, plain.length, 0, 10);
      }
      sink += out.length;
      n++;
    }
    t1 = now();
  } while (t1 - t0 < seconds);
  if (sink === 0) throw new Error('nothing measured');
  return n / (t1 - t0);
}

function buildPeer(): string | undefined {
  const bin = join(here, 'bin', 'srtp-bench');
  if (!existsSync('/usr/include/srtp2/srtp.h')) {
    process.stderr.write('!! libsrtp2 peer not measured: install the Debian package libsrtp2-dev\n');
    return undefined;
  }
  mkdirSync(join(here, 'bin'), { recursive: true });
  execFileSync('cc', ['-O2', '-o', bin, join(here, 'libsrtp2', 'srtp-bench.c'), '-lsrtp2'], { stdio: 'inherit' });
  return bin;
}

function measurePeer(bin: string, c: Case, seconds: number): { protect: number; unprotect: number } | undefined {
  const out = execFileSync(bin, [c.profile, String(c.payload), c.kind === 'srtcp' ? 'rtcp' : 'rtp', String(seconds)], { encoding: 'utf8' });
  const parsed = JSON.parse(out) as { protect?: number; unprotect?: number };
  return parsed.protect === undefined || parsed.unprotect === undefined ? undefined : { protect: parsed.protect, unprotect: parsed.unprotect };
}

export default async function srtpBench(args: string[]): Promise<void> {
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const seconds = Number(opt('--seconds') ?? '0.5');
  const rounds = Math.max(1, Number(opt('--rounds') ?? '3'));
  const only = opt('--only');
  const peer = args.includes('--no-peer') ? undefined : buildPeer();
  const baselines = args.includes('--baselines');
  for (const c of CASES) {
    if (only !== undefined && !`${c.profile} ${c.kind} ${c.payload}`.includes(only)) continue;
    // Interleave peer and ours, round after round, and keep each one's best.
    let theirs: { protect: number; unprotect: number } | undefined;
    let ours = { protect: 0, unprotect: 0 };
    for (let r = 0; r < rounds; r++) {
      const t = peer === undefined ? undefined : measurePeer(peer, c, seconds);
      if (t !== undefined) theirs = { protect: Math.max(theirs?.protect ?? 0, t.protect), unprotect: Math.max(theirs?.unprotect ?? 0, t.unprotect) };
      const o = measureOurs(c, seconds);
      ours = { protect: Math.max(ours.protect, o.protect), unprotect: Math.max(ours.unprotect, o.unprotect) };
    }
    for (const op of ['protect', 'unprotect'] as const) {
      const base = { bench: 'srtp', profile: c.profile, payload: c.payload, op, kind: c.kind };
      if (theirs !== undefined) process.stdout.write(`${JSON.stringify({ ...base, impl: 'libsrtp2', pps: Math.round(theirs[op]) })}\n`);
      const ratio = theirs === undefined ? undefined : Math.round((ours[op] / theirs[op]) * 100) / 100;
      process.stdout.write(`${JSON.stringify({ ...base, impl: 'softphone', pps: Math.round(ours[op]), ...(ratio === undefined ? {} : { ratio }) })}\n`);
    }
    if (baselines) {
      let pps = 0;
      for (let r = 0; r < rounds; r++) pps = Math.max(pps, measureNodeBaseline(c, seconds));
      process.stdout.write(`${JSON.stringify({ bench: 'srtp', profile: c.profile, payload: c.payload, op: 'protect', kind: c.kind, impl: 'node-crypto-per-packet', pps: Math.round(pps) })}\n`);
    }
  }
  await Promise.resolve();
}
