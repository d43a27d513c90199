/**
 * The native media path's RTCP module (native/media-path/src/rtcp.c: pure C, no sockets, no
 * SRTP) held to the TypeScript reference in src-main/protocol/rtp/, input by input:
 *   - reception statistics (RFC 3550 A.1/A.3/A.8, LSR/DLSR) against ReceptionStats, over seeded
 *     random streams with loss, reordering, duplicates, jittery arrivals, the 16-bit wrap, stray
 *     jumps, confirmed restarts and broken probation: every verdict, the snapshot after every
 *     packet and every report block (on the wire and field by field);
 *   - compounds C builds against serializeRtcpCompound / RtcpReporter (byte for byte) and
 *     parseRtcpCompound (to exactly the intended packets);
 *   - compounds TypeScript serializes parsed by C to what RtcpReporter.onRtcp would take from them;
 *   - malformed input (every truncation, lengths past the end, wrong versions, bad padding and
 *     counts, random and mutated bytes): C refuses exactly what parseRtcpCompound refuses, plus
 *     compounds whose first packet is not an SR or RR (RFC 3550 §6.1, which the TypeScript leaves
 *     to the session); 24,000 inputs go through an AddressSanitizer + UBSan build;
 *   - NTP and RTT conversions against ntp-time.ts.
 *
 * Arrival times: C takes integer microseconds, TypeScript milliseconds; the test gives C `us`
 * and TypeScript `us / 1000` with `us` an integer below 2^53, which is exactly the double C
 * computes as (double)us / 1000, so both sides do the same IEEE-754 arithmetic (C mirrors the
 * TypeScript's doubles) and must agree bit for bit, for any clock rate.
 *
 * The driver (support/native-rtcp-driver.c) and rtcp.c are compiled here with the system cc into
 * a temporary directory. Without cc (or off Linux) the tests are skipped with a loud message,
 * except under CI=true, where they run and fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ntpFromUnixMs, ntpMiddle32, roundTripTimeMs } from '../../../src-main/protocol/rtp/ntp-time.js';
import { ReceptionStats, type PacketVerdict } from '../../../src-main/protocol/rtp/reception-stats.js';
import {
  parseRtcpCompound,
  SdesType,
  serializeRtcpCompound,
  type ReceiverReport,
  type ReportBlock,
  type RtcpPacket,
  type SenderReport,
} from '../../../src-main/protocol/rtp/rtcp-packet.js';
import { RtcpReporter } from '../../../src-main/protocol/rtp/rtcp-reporter.js';
import { RtpSenderState } from '../../../src-main/protocol/rtp/rtp-sender-state.js';
import { FakeRng } from '../../fakes/fake-rng.js';

const here = dirname(fileURLToPath(import.meta.url));
const rtcpDir = join(here, '..', '..', '..', 'native', 'media-path', 'src');
const rtcpSource = join(rtcpDir, 'rtcp.c');
const driverSource = join(here, 'support', 'native-rtcp-driver.c');
const CFLAGS = ['-O2', '-Wall', '-Wextra', '-Werror', '-std=gnu11'];

function compilerProblem(): string | undefined {
  if (process.platform !== 'linux') return `the native RTCP module is tested on Linux only (this is ${process.platform})`;
  if (spawnSync('sh', ['-c', 'command -v cc'], { stdio: 'pipe' }).status !== 0) return 'no C compiler (cc: Debian package gcc)';
  return undefined;
}

const problem = compilerProblem();
const ci = process.env.CI === 'true';
if (problem !== undefined) {
  process.stderr.write(ci ? `\n*** native RTCP (rtcp.c) tests cannot build (CI=true: running them to fail): ${problem} ***\n\n` : `\n*** native RTCP (rtcp.c) tests SKIPPED: ${problem} ***\n\n`);
}
// Skips only where nothing can be compiled (not Linux, no cc); never under CI=true.
const maybe = problem === undefined || ci ? describe : describe.skip;

// ---------------------------------------------------------------------------------------------
// Building and driving the C side

let tmp: string | undefined;
let plainDriver = '';
/** The AddressSanitizer + UBSan build, when that links here. */
let sanitizedDriver: string | undefined;

function compile(args: readonly string[]): string | undefined {
  try {
    execFileSync('cc', args, { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
  }
}

const sanitizerEnv = {
  ...process.env,
  // rtcp.c never allocates; LeakSanitizer does not work under every container's ptrace policy.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0:exitcode=99',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1:exitcode=98',
};

/** Runs the driver over `commands` (one line each); one parsed JSON value per command. */
function drive(bin: string, commands: readonly string[]): unknown[] {
  const r = spawnSync(bin, [], { input: `${commands.join('\n')}\n`, encoding: 'utf8', maxBuffer: 1 << 28, env: sanitizerEnv });
  // stderr first: a sanitizer report ends the driver early, and writing the rest then fails (EPIPE).
  expect(r.stderr ?? '', `${bin} wrote to stderr (a sanitizer report?)`).toBe('');
  if (r.error !== undefined) throw r.error;
  expect(r.status, `${bin} exit status`).toBe(0);
  const lines = r.stdout.split('\n');
  expect(lines.pop(), 'the output ends with a newline').toBe('');
  expect(lines.length, 'one output line per command').toBe(commands.length);
  return lines.map((l) => JSON.parse(l) as unknown);
}

/** Compares driver outputs with the TypeScript's expectations; fails at the first difference. */
function expectSame(actual: readonly unknown[], expected: readonly unknown[], context: (i: number) => string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (JSON.stringify(actual[i]) !== JSON.stringify(expected[i])) expect(actual[i], context(i)).toEqual(expected[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Seeded randomness (xorshift32 via FakeRng): every failure reproduces from its seed. */
class Rand {
  private readonly rng: FakeRng;
  constructor(seed: number) {
    this.rng = new FakeRng((Math.imul(seed + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0);
  }
  u32(): number {
    return this.rng.uint32();
  }
  /** 0 ≤ x < n. */
  int(n: number): number {
    return n <= 0 ? 0 : this.rng.uint32() % n;
  }
  chance(p: number): boolean {
    return this.rng.uint32() / 0x1_0000_0000 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Uint8Array {
    return this.rng.bytes(n);
  }
}

function hex(b: Uint8Array): string {
  return b.length === 0 ? '-' : Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

function unhex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const noExtension = new Uint8Array(0);

/** The 24 octets of a report block as serializeRtcpCompound writes them. */
function blockBytes(b: ReportBlock): Uint8Array {
  return serializeRtcpCompound([{ type: 'rr', ssrc: 0, reports: [b], profileExtension: noExtension }]).subarray(8);
}

function decodeBlock(h: string): ReportBlock {
  const b = unhex(h);
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const lost24 = (b[5]! << 16) | (b[6]! << 8) | b[7]!;
  return {
    ssrc: v.getUint32(0),
    fractionLost: b[4]!,
    cumulativeLost: (lost24 << 8) >> 8,
    extendedHighestSequence: v.getUint32(8),
    jitter: v.getUint32(12),
    lastSr: v.getUint32(16),
    delaySinceLastSr: v.getUint32(20),
  };
}

// ---------------------------------------------------------------------------------------------
// Reception statistics scenarios

type RxStep =
  | { readonly kind: 'pkt'; readonly seq: number; readonly ts: number; readonly us: number }
  | { readonly kind: 'sr'; readonly middle: number; readonly us: number }
  | { readonly kind: 'block'; readonly us: number };

interface RxScenario {
  readonly seed: number;
  readonly ssrc: number;
  readonly rate: number;
  readonly steps: readonly RxStep[];
}

/**
 * A received stream: a sender's packet k has sequence base+k, timestamp tsBase + k·frame and is
 * sent at t0 + k·20 ms; it arrives up to `jitterUs` later (never before an earlier arrival: the
 * clock is monotonic). Events: loss, duplicates, swaps, old packets (inside and beyond
 * MAX_MISORDER), stray jumps (bad-sequence alone), gaps of 2999/3000/3001 (the MAX_DROPOUT edge;
 * 3000 then 3001 confirms a restart), sender restarts (new base), SRs and report blocks.
 */
function rxScenario(seed: number): RxScenario {
  const r = new Rand(seed);
  const rate = r.pick([8000, 8000, 16000, 48000, 90000, 44100, 12345]);
  const frame = Math.round(rate / 50);
  const jitterUs = r.pick([0, 700, 5000, 40000, 150000]);
  let seqBase = r.chance(0.5) ? 65535 - r.int(400) : r.int(65536); // half of them wrap soon
  let tsBase = r.u32();
  let t0 = r.chance(0.1) ? -r.int(1e9) : r.int(2 ** 31) * 4096 + r.int(4096); // µs, up to 2^43
  let now = t0 - 1;
  const steps: RxStep[] = [];
  const arrive = (at: number): number => (now = Math.max(now, at));
  const emit = (k: number): void => {
    steps.push({ kind: 'pkt', seq: (seqBase + k) & 0xffff, ts: (tsBase + k * frame) >>> 0, us: arrive(t0 + k * 20000 + r.int(jitterUs + 1)) });
  };
  let i = 0;
  steps.push({ kind: 'block', us: now }); // before any packet: no block
  emit(0);
  steps.push({ kind: 'block', us: now }); // on probation: no block
  if (r.chance(0.3)) {
    // Probation broken by an out-of-sequence packet (A.1: probation back to MIN_SEQUENTIAL - 1).
    i = 7;
    emit(i);
  }
  const events = 250 + r.int(250);
  for (let e = 0; e < events; e++) {
    const roll = r.int(1000);
    if (roll < 640) {
      emit(++i);
    } else if (roll < 720) {
      i += 2 + r.int(6); // loss
      emit(i);
    } else if (roll < 770) {
      emit(i); // duplicate
    } else if (roll < 820) {
      emit(i + 2); // reordered pair
      emit(i + 1);
      i += 2;
    } else if (roll < 840) {
      const k = i - 1 - r.int(160); // an old packet: within MAX_MISORDER (accepted) or beyond (bad-sequence)
      steps.push({ kind: 'pkt', seq: (seqBase + k) & 0xffff, ts: (tsBase + k * frame) >>> 0, us: arrive(now + r.int(3000)) });
    } else if (roll < 860) {
      // A stray packet far ahead: bad-sequence, then the stream goes on.
      steps.push({ kind: 'pkt', seq: (seqBase + i + 3000 + r.int(62000)) & 0xffff, ts: r.u32(), us: arrive(now + r.int(3000)) });
    } else if (roll < 872) {
      i += r.pick([2999, 3000, 3001]); // the MAX_DROPOUT edge
      emit(i);
    } else if (roll < 882) {
      // The sender restarts: a new base (a large jump, confirmed by the next packet).
      seqBase = r.int(65536);
      tsBase = r.u32();
      t0 = now + 20000;
      i = 0;
      emit(0);
      emit(++i);
    } else if (roll < 935) {
      steps.push({ kind: 'sr', middle: r.chance(0.15) ? 0 : r.u32(), us: arrive(now + r.int(2000)) });
    } else {
      steps.push({ kind: 'block', us: arrive(now + r.int(5000)) });
    }
  }
  steps.push({ kind: 'block', us: arrive(now + 1000) });
  return { seed, ssrc: r.u32(), rate, steps };
}

function verdictJson(v: PacketVerdict): { verdict: PacketVerdict } {
  return { verdict: v };
}

function snapJson(s: ReceptionStats): { received: number; expected: number; lost: number; ext: number; jitter: number } {
  const snap = s.snapshot();
  return { received: snap.received, expected: snap.expected, lost: snap.lost, ext: snap.extendedHighestSequence, jitter: snap.jitter };
}

interface Coverage {
  verdicts: Record<PacketVerdict, number>;
  wrapped: number;
  negativeLost: number;
  lossyBlocks: number;
  dlsrBlocks: number;
  nullBlocks: number;
}

/** Commands for C, the TypeScript's outputs for them, and the TypeScript's blocks (by command index). */
function runRxScenario(sc: RxScenario, cover: Coverage): { commands: string[]; expected: unknown[]; blocks: Map<number, ReportBlock> } {
  const ts = new ReceptionStats(sc.ssrc, sc.rate);
  const commands = [`init ${sc.ssrc} ${sc.rate}`];
  const expected: unknown[] = [{ ok: true }];
  const blocks = new Map<number, ReportBlock>();
  for (const step of sc.steps) {
    if (step.kind === 'pkt') {
      const v = ts.onPacket(step.seq, step.ts, step.us / 1000);
      cover.verdicts[v]++;
      commands.push(`pkt ${step.seq} ${step.ts} ${step.us}`, 'snap');
      const snap = snapJson(ts);
      if (snap.ext >= 65536) cover.wrapped++;
      if (snap.lost < 0) cover.negativeLost++;
      expected.push(verdictJson(v), snap);
    } else if (step.kind === 'sr') {
      ts.onSenderReport(step.middle, step.us / 1000);
      commands.push(`sr ${step.middle} ${step.us}`);
      expected.push({ ok: true });
    } else {
      const b = ts.makeReportBlock(step.us / 1000);
      commands.push(`block ${step.us}`);
      if (b === undefined) {
        cover.nullBlocks++;
        expected.push({ block: null, untouched: true });
      } else {
        if (b.fractionLost > 0) cover.lossyBlocks++;
        if (b.lastSr !== 0 && b.delaySinceLastSr > 0) cover.dlsrBlocks++;
        blocks.set(expected.length, b);
        expected.push({ block: hex(blockBytes(b)) });
      }
    }
  }
  return { commands, expected, blocks };
}

// ---------------------------------------------------------------------------------------------
// RTCP compounds

/** What RtcpReporter.onRtcp / RtcpSession take from a compound, in the driver's JSON shape. */
function tsInfo(packets: readonly RtcpPacket[], our: number): Record<string, unknown> {
  let sr: SenderReport | undefined;
  let block: ReportBlock | undefined;
  let bye = false;
  for (const p of packets) {
    if (p.type === 'sr') sr = p;
    if (p.type === 'sr' || p.type === 'rr') for (const b of p.reports) if (b.ssrc === our) block = b;
    if (p.type === 'bye') bye = true;
  }
  return {
    malformed: false,
    haveSr: sr !== undefined,
    srSsrc: sr?.ssrc ?? 0,
    srMiddle: sr === undefined ? 0 : ntpMiddle32(sr.ntp),
    haveBlock: block !== undefined,
    ...(block === undefined
      ? {}
      : { fraction: block.fractionLost, lost: block.cumulativeLost, ext: block.extendedHighestSequence, jitter: block.jitter, lsr: block.lastSr, dlsr: block.delaySinceLastSr }),
    bye,
  };
}

/**
 * What C must say about `bytes`: malformed exactly when parseRtcpCompound refuses, or when the
 * first packet is not an SR or RR (RFC 3550 §6.1; the TypeScript leaves that check out); else
 * the info the TypeScript would take from the parsed packets.
 */
function expectedParse(bytes: Uint8Array, our: number): Record<string, unknown> {
  const r = parseRtcpCompound(bytes);
  if (!r.ok) return { malformed: true };
  if (bytes[1] !== 200 && bytes[1] !== 201) return { malformed: true };
  return tsInfo(r.value, our);
}

function randomBlock(r: Rand, our: number): ReportBlock {
  return {
    ssrc: r.chance(0.3) ? our : r.u32(),
    fractionLost: r.int(256),
    cumulativeLost: r.int(0x1000000) - 0x800000,
    extendedHighestSequence: r.u32(),
    jitter: r.u32(),
    lastSr: r.u32(),
    delaySinceLastSr: r.u32(),
  };
}

function randomReport(r: Rand, our: number, nBlocks?: number): SenderReport | ReceiverReport {
  const n = nBlocks ?? (r.chance(0.1) ? 31 : r.int(5));
  const reports = Array.from({ length: n }, () => randomBlock(r, our));
  const profileExtension = r.chance(0.15) ? r.bytes(4 * (1 + r.int(3))) : noExtension;
  return r.chance(0.5)
    ? { type: 'sr', ssrc: r.u32(), ntp: { seconds: r.u32(), fraction: r.u32() }, rtpTimestamp: r.u32(), packetCount: r.u32(), octetCount: r.u32(), reports, profileExtension }
    : { type: 'rr', ssrc: r.u32(), reports, profileExtension };
}

function randomOther(r: Rand, our: number): RtcpPacket {
  switch (r.int(6)) {
    case 0:
      return {
        type: 'sdes',
        chunks: Array.from({ length: r.int(4) }, () => ({
          ssrc: r.u32(),
          items: Array.from({ length: r.int(4) }, () => ({ type: 1 + r.int(8), value: r.bytes(r.int(40)) })),
        })),
      };
    case 1: {
      const ssrcs = Array.from({ length: r.int(4) }, () => (r.chance(0.3) ? our : r.u32()));
      return r.chance(0.5) ? { type: 'bye', ssrcs, reason: r.bytes(r.int(60)) } : { type: 'bye', ssrcs };
    }
    case 2:
      return { type: 'app', subtype: r.int(32), ssrc: r.u32(), name: String.fromCharCode(...r.bytes(4)), data: r.bytes(4 * r.int(4)) };
    case 3:
      return { type: 'unknown', packetType: r.pick([205, 206, 207, 195, 0, 255]), count: r.int(32), body: r.bytes(4 * r.int(6)) };
    default:
      return randomReport(r, our);
  }
}

/** A compound as TypeScript sends (report first, then 0–4 others); 1 in 10 starts with something else. */
function randomCompound(r: Rand, our: number, nBlocks?: number): RtcpPacket[] {
  const first = r.chance(0.1) ? randomOther(r, our) : randomReport(r, our, nBlocks);
  const packets: RtcpPacket[] = [first];
  const more = r.int(5);
  for (let k = 0; k < more; k++) packets.push(randomOther(r, our));
  return packets;
}

/** Serializes `packets`, giving one packet RFC 3550 §6.1 padding (P bit, count in the last octet). */
function serializeWithPadding(r: Rand, packets: readonly RtcpPacket[]): Uint8Array {
  const padded = r.int(packets.length);
  return concat(
    ...packets.map((p, k) => {
      const bytes = serializeRtcpCompound([p]);
      if (k !== padded) return bytes;
      const pad = r.pick([4, 8]);
      const out = concat(bytes, new Uint8Array(pad));
      out[0] = out[0]! | 0x20;
      const words = out.length / 4 - 1;
      out[2] = words >> 8;
      out[3] = words & 0xff;
      out[out.length - 1] = pad;
      return out;
    }),
  );
}

/** Offsets of the packet headers the length fields lead to (as far as they stay inside). */
function headerOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let o = 0; o + 4 <= b.length; o += (((b[o + 2]! << 8) | b[o + 3]!) + 1) * 4) out.push(o);
  return out;
}

/** A short compound of random headers (random types, counts and lengths that fit) and random bodies. */
function randomHeaders(r: Rand): Uint8Array {
  const parts: Uint8Array[] = [];
  const n = 1 + r.int(3);
  for (let k = 0; k < n; k++) {
    const words = r.int(12);
    const p = concat(new Uint8Array(4), r.bytes(words * 4));
    p[0] = 0x80 | (r.chance(0.2) ? 0x20 : 0) | r.int(r.chance(0.5) ? 3 : 32);
    p[1] = r.pick([200, 201, 202, 203, 204, 205, 207]);
    p[2] = 0;
    p[3] = words;
    if ((p[0]! & 0x20) !== 0 && p.length > 4 && r.chance(0.7)) p[p.length - 1] = 1 + r.int(p.length - 4);
    parts.push(p);
  }
  return concat(...parts);
}

function mutate(r: Rand, base: Uint8Array): Uint8Array {
  let b: Uint8Array = Uint8Array.from(base);
  const n = 1 + r.int(3);
  for (let m = 0; m < n; m++) {
    const hs = headerOffsets(b);
    const h = hs.length > 0 ? r.pick(hs) : 0;
    switch (r.int(11)) {
      case 0:
        if (b.length > 0) b[r.int(b.length)] = r.int(256);
        break;
      case 1: // a length field: 0, the maximum, random, or one word off
        if (h + 3 < b.length) {
          const w = r.pick([0, 0xffff, r.int(0x10000), ((b[h + 2]! << 8) | b[h + 3]!) + r.pick([-1, 1, 2])]) & 0xffff;
          b[h + 2] = w >> 8;
          b[h + 3] = w & 0xff;
        }
        break;
      case 2: // the padding bit
        if (h < b.length) b[h] = b[h]! ^ 0x20;
        break;
      case 3: // the count
        if (h < b.length) b[h] = (b[h]! & 0xe0) | r.int(32);
        break;
      case 4: // the packet type
        if (h + 1 < b.length) b[h + 1] = r.pick([200, 201, 202, 203, 204, 205, 207, r.int(256)]);
        break;
      case 5:
        b = b.slice(0, r.int(b.length + 1));
        break;
      case 6:
        b = concat(b, r.bytes(r.int(13)));
        break;
      case 7: // the version
        if (h < b.length) b[h] = (b[h]! & 0x3f) | (r.int(4) << 6);
        break;
      case 8: // a padding count
        if (b.length > 0) b[b.length - 1] = r.int(256);
        break;
      case 9:
        b = r.bytes(r.int(80));
        if (b.length > 0 && r.chance(0.7)) b[0] = 0x80 | (b[0]! & 0x3f);
        if (b.length > 1 && r.chance(0.7)) b[1] = r.pick([200, 201]);
        break;
      default:
        b = concat(b.slice(0, r.chance(0.5) ? 0 : h), randomHeaders(r));
        break;
    }
  }
  return b;
}

// ---------------------------------------------------------------------------------------------

maybe('the native RTCP module (rtcp.c) against the TypeScript reference', () => {
  beforeAll(() => {
    tmp = mkdtempSync(join(os.tmpdir(), 'native-rtcp-'));
    // The module alone with the addon's flags, then the driver linked with it.
    const object = join(tmp, 'rtcp.o');
    const libError = compile([...CFLAGS, '-fPIC', '-c', '-o', object, rtcpSource]);
    if (libError !== undefined) throw new Error(`cc rtcp.c failed:\n${libError}`);
    plainDriver = join(tmp, 'driver');
    const driverError = compile([...CFLAGS, `-I${rtcpDir}`, '-o', plainDriver, driverSource, object]);
    if (driverError !== undefined) throw new Error(`cc native-rtcp-driver.c failed:\n${driverError}`);
    const sanitized = join(tmp, 'driver-sanitized');
    const sanitizerError = compile([
      ...CFLAGS,
      '-O1',
      '-g',
      '-fno-omit-frame-pointer',
      '-fsanitize=address,undefined',
      '-fno-sanitize-recover=all',
      `-I${rtcpDir}`,
      '-o',
      sanitized,
      driverSource,
      rtcpSource,
    ]);
    if (sanitizerError === undefined) sanitizedDriver = sanitized;
    else process.stderr.write(`\n*** native RTCP: no -fsanitize=address,undefined build here (the fuzz case uses the plain build): ${sanitizerError.split('\n')[0]} ***\n\n`);
  }, 60_000);

  afterAll(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  it('reception statistics: every verdict, snapshot and report block of 48 seeded random streams equals ReceptionStats (A.1, A.3, A.8, LSR/DLSR)', () => {
    const cover: Coverage = { verdicts: { accepted: 0, probation: 0, 'bad-sequence': 0, restarted: 0 }, wrapped: 0, negativeLost: 0, lossyBlocks: 0, dlsrBlocks: 0, nullBlocks: 0 };
    const commands: string[] = [];
    const expected: unknown[] = [];
    const blocks = new Map<number, ReportBlock>();
    const seedAt: number[] = [];
    for (let seed = 0; seed < 48; seed++) {
      const run = runRxScenario(rxScenario(seed), cover);
      for (const [k, b] of run.blocks) blocks.set(commands.length + k, b);
      for (let k = 0; k < run.commands.length; k++) seedAt.push(seed);
      commands.push(...run.commands);
      expected.push(...run.expected);
    }
    const actual = drive(plainDriver, commands);
    expectSame(actual, expected, (i) => `stream seed ${seedAt[i]}, command ${i} "${commands[i]}"`);
    // The same streams through the sanitizer build: no undefined behaviour, the same answers.
    if (sanitizedDriver !== undefined) expectSame(drive(sanitizedDriver, commands), expected, (i) => `sanitizer build: stream seed ${seedAt[i]}, command ${i}`);
    // Field by field too: the TypeScript's block values (not only their serialization) are C's.
    for (const [i, b] of blocks) expect(decodeBlock((actual[i] as { block: string }).block), `block of seed ${seedAt[i]}, command ${i}`).toEqual(b);

    // The streams did exercise what they are meant to.
    expect(cover.verdicts.accepted).toBeGreaterThan(10_000);
    expect(cover.verdicts.probation).toBeGreaterThanOrEqual(48);
    expect(cover.verdicts['bad-sequence']).toBeGreaterThan(100);
    expect(cover.verdicts.restarted).toBeGreaterThan(20);
    expect(cover.wrapped, 'snapshots past the 16-bit wrap').toBeGreaterThan(300);
    expect(cover.negativeLost, 'snapshots with more duplicates than losses').toBeGreaterThan(0);
    expect(cover.lossyBlocks, 'blocks with a fraction lost').toBeGreaterThan(50);
    expect(cover.dlsrBlocks, 'blocks with LSR and DLSR').toBeGreaterThan(50);
    expect(cover.nullBlocks, 'blocks refused before the source is valid').toBeGreaterThanOrEqual(96);
    expect(blocks.size).toBeGreaterThan(500);
  });

  it('LSR/DLSR: the block after an SR carries its middle 32 bits and the delay in 1/65536 s, as ReceptionStats does', () => {
    const cases: { srUs: number; middle: number; nowUs: number; restartBetween?: boolean; srOnProbation?: boolean }[] = [
      { srUs: 1_000_000, middle: 0x12345678, nowUs: 2_500_000 }, // 1.5 s = 98304
      { srUs: 1_000_000, middle: 0, nowUs: 2_500_000 }, // no SR: DLSR 0
      { srUs: 5_000_000, middle: 0xdeadbeef, nowUs: 4_000_000 }, // report before the SR's arrival: clamped to 0
      { srUs: 0, middle: 1, nowUs: 70_000_000_000 }, // 70000 s > 65536 s: 2^32 - 1
      { srUs: 7, middle: 0xffffffff, nowUs: 1_234_574 },
      { srUs: 2 ** 50 + 3, middle: 0x00010000, nowUs: 2 ** 50 + 999_999 }, // far into a monotonic clock
      { srUs: -3_000_001, middle: 42, nowUs: 17 },
      { srUs: 1_000_000, middle: 0xabcdef01, nowUs: 9_000_000, restartBetween: true }, // LSR survives a restart
      { srUs: 0, middle: 0x01020304, nowUs: 40_000, srOnProbation: true }, // an SR before the source is valid
    ];
    const commands: string[] = [];
    const expected: unknown[] = [];
    const tsBlocks: ReportBlock[] = [];
    for (const c of cases) {
      const ts = new ReceptionStats(99, 8000);
      const feed = (seq: number, us: number): void => {
        commands.push(`pkt ${seq} ${seq * 160} ${us}`);
        expected.push(verdictJson(ts.onPacket(seq, seq * 160, us / 1000)));
      };
      commands.push('init 99 8000');
      expected.push({ ok: true });
      const sr = (): void => {
        commands.push(`sr ${c.middle} ${c.srUs}`);
        expected.push({ ok: true });
        ts.onSenderReport(c.middle, c.srUs / 1000);
      };
      if (c.srOnProbation === true) sr();
      feed(10, c.srUs - 40_000);
      feed(11, c.srUs - 20_000);
      if (c.srOnProbation !== true) sr();
      if (c.restartBetween === true) {
        feed(40_000, c.srUs + 1000);
        feed(40_001, c.srUs + 2000);
      }
      const b = ts.makeReportBlock(c.nowUs / 1000)!;
      tsBlocks.push(b);
      commands.push(`block ${c.nowUs}`);
      expected.push({ block: hex(blockBytes(b)) });
    }
    const actual = drive(plainDriver, commands);
    expectSame(actual, expected, (i) => `command ${i} "${commands[i]}"`);
    const cBlocks = actual.filter((a): a is { block: string } => typeof (a as { block?: unknown }).block === 'string').map((a) => decodeBlock(a.block));
    expect(cBlocks).toEqual(tsBlocks);
    // The TypeScript's (and so C's) figures are the intended ones.
    expect(cBlocks.map((b) => [b.lastSr, b.delaySinceLastSr])).toEqual([
      [0x12345678, 98304],
      [0, 0],
      [0xdeadbeef, 0],
      [1, 0xffffffff],
      [0xffffffff, Math.round(1.234567 * 65536)],
      [0x00010000, Math.round(0.999996 * 65536)],
      [42, Math.round(3.000018 * 65536)],
      [0xabcdef01, 8 * 65536],
      [0x01020304, Math.round(0.04 * 65536)],
    ]);
  });

  it('report-block corners where C is exact and the TypeScript wraps: > 2^23 packets lost in one interval, jitter ≥ 2^27 timestamp units', () => {
    // 1) After probation (1000, 1001) and 1002, 2899 packets each 2999 ahead (a permissible gap
    // each time): 8,691,202 lost of 8,694,103 expected in one interval. The exact fraction is 255
    // (min(255, floor(lost * 256 / expected))). ReceptionStats computes `(lostInterval << 8)` in
    // int32, which wraps here (its fractionLost is -239, 17 on the wire): a bug in the TypeScript
    // reference, reported, not mirrored.
    const ts = new ReceptionStats(5, 8000);
    const commands = ['init 5 8000'];
    let seq = 1000;
    for (let k = 0; k < 2902; k++) {
      ts.onPacket(seq & 0xffff, k * 160, k * 20);
      commands.push(`pkt ${seq & 0xffff} ${k * 160} ${k * 20_000}`);
      seq += k < 2 ? 1 : 2999;
    }
    commands.push('block 60000000');
    const tsBlock = ts.makeReportBlock(60_000)!;
    const out = drive(plainDriver, commands);
    const c = decodeBlock((out[out.length - 1] as { block: string }).block);
    const expectedCount = 2 + 2899 * 2999;
    const lostCount = expectedCount - 2901;
    expect(lostCount).toBeGreaterThanOrEqual(2 ** 23);
    expect(c.fractionLost, 'the exact A.3 fraction').toBe(Math.min(255, Math.floor((lostCount * 256) / expectedCount)));
    // Everything else in the block is the TypeScript's, including the 24-bit clamp of the cumulative count.
    expect({ ...c, fractionLost: 0 }).toEqual({ ...tsBlock, fractionLost: 0 });
    expect(c.cumulativeLost).toBe(0x7fffff);
    expect(c.extendedHighestSequence).toBe(1002 + 2899 * 2999);

    // 2) Random timestamps: |D| up to 2^31, so J·16 passes 2^31. C keeps A.8 exact in 64 bits; the
    // TypeScript's `jitterQ4 >> 4` is an int32 shift and wraps there (its jitter goes negative).
    // Held to an exact A.8 model (transit computed as the TypeScript does); below the int32 limit
    // the TypeScript agrees with the model, so the model is the reference's arithmetic.
    const r = new Rand(77);
    const ts2 = new ReceptionStats(6, 8000);
    const cmds = ['init 6 8000'];
    const model: number[] = [];
    let q4 = 0;
    let prevTransit: number | undefined;
    let maxQ4 = 0;
    const tsAgreesBelowLimit: boolean[] = [];
    for (let k = 0; k < 400; k++) {
      const us = 1_000_000 + k * 20_000 + r.int(5000);
      const rtp = r.u32();
      const v = ts2.onPacket(k, rtp, us / 1000);
      cmds.push(`pkt ${k} ${rtp} ${us}`, 'snap');
      if (v === 'accepted') {
        const transit = (Math.round(((us / 1000) * 8000) / 1000) - rtp) | 0;
        if (prevTransit !== undefined) {
          const d = Math.abs((transit - prevTransit) | 0);
          q4 += d - Math.floor((q4 + 8) / 16);
        }
        prevTransit = transit;
      }
      maxQ4 = Math.max(maxQ4, q4);
      model.push(Math.floor(q4 / 16));
      if (q4 + 8 < 2 ** 31) tsAgreesBelowLimit.push(ts2.snapshot().jitter === Math.floor(q4 / 16));
    }
    const snaps = drive(plainDriver, cmds).filter((_, i) => i > 0 && i % 2 === 0) as { jitter: number }[];
    expect(snaps.map((s) => s.jitter)).toEqual(model);
    expect(maxQ4, 'the stream took J·16 past 2^31').toBeGreaterThan(2 ** 31);
    expect(tsAgreesBelowLimit.length).toBeGreaterThan(1);
    expect(tsAgreesBelowLimit.every((x) => x)).toBe(true);
  });

  it('compounds C builds are what serializeRtcpCompound writes for the intended packets, and parseRtcpCompound gives those packets back', () => {
    const r = new Rand(1234);
    const enc = new TextEncoder();
    interface Case {
      ssrc: number;
      sender?: { seconds: number; fraction: number; rtp: number; packets: number; octets: number };
      blocks: ReportBlock[];
      cname: Uint8Array;
      bye: boolean;
      reason?: Uint8Array;
    }
    const cases: Case[] = [];
    for (let n = 0; n <= 31; n++) {
      cases.push({
        ssrc: r.u32(),
        sender: { seconds: r.u32(), fraction: r.u32(), rtp: r.u32(), packets: r.u32(), octets: r.u32() },
        blocks: Array.from({ length: n }, () => randomBlock(r, 0)),
        cname: Uint8Array.from({ length: 1 + r.int(255) }, () => 1 + r.int(255)),
        bye: false,
      });
    }
    cases.push({ ssrc: 7, blocks: [], cname: enc.encode('c'), bye: false }); // RR without blocks
    cases.push({ ssrc: 8, blocks: [randomBlock(r, 0)], cname: enc.encode('abc'), bye: false });
    cases.push({ ssrc: 9, blocks: [], cname: enc.encode('abcd'), bye: true }); // RR + SDES + BYE, no reason
    cases.push({ ssrc: 10, blocks: [], cname: enc.encode('user@host.example'), bye: true, reason: enc.encode('call ended') });
    cases.push({ ssrc: 11, sender: { seconds: 1, fraction: 2, rtp: 3, packets: 4, octets: 5 }, blocks: [], cname: enc.encode('x'.repeat(255)), bye: true, reason: new Uint8Array(0) });
    cases.push({ ssrc: 12, blocks: Array.from({ length: 31 }, () => randomBlock(r, 0)), cname: enc.encode('é✓'), bye: true, reason: r.bytes(255).map((x) => x | 1) });
    for (let k = 0; k < 4; k++) cases.push({ ssrc: r.u32(), blocks: [], cname: enc.encode('x'.repeat(k + 1)), bye: true, reason: enc.encode('y'.repeat(k)) }); // every alignment
    const commands = cases.map((c) => {
      const s = c.sender;
      const ntp = s === undefined ? '0' : s.seconds.toString(16).padStart(8, '0') + s.fraction.toString(16).padStart(8, '0');
      const blocks = hex(concat(...c.blocks.map(blockBytes)));
      const reason = c.reason === undefined ? '-' : c.reason.length === 0 ? '.' : hex(c.reason);
      return `build 4096 ${c.ssrc} ${s === undefined ? 0 : 1} ${ntp} ${s?.rtp ?? 0} ${s?.packets ?? 0} ${s?.octets ?? 0} ${c.blocks.length} ${blocks} ${hex(c.cname)} ${c.bye ? 1 : 0} ${reason}`;
    });
    const out = drive(sanitizedDriver ?? plainDriver, commands) as { hex: string }[];
    cases.forEach((c, k) => {
      const s = c.sender;
      const intended: RtcpPacket[] = [
        s === undefined
          ? { type: 'rr', ssrc: c.ssrc, reports: c.blocks, profileExtension: noExtension }
          : { type: 'sr', ssrc: c.ssrc, ntp: { seconds: s.seconds, fraction: s.fraction }, rtpTimestamp: s.rtp, packetCount: s.packets, octetCount: s.octets, reports: c.blocks, profileExtension: noExtension },
        { type: 'sdes', chunks: [{ ssrc: c.ssrc, items: [{ type: SdesType.CNAME, value: c.cname }] }] },
      ];
      if (c.bye) intended.push(c.reason === undefined ? { type: 'bye', ssrcs: [c.ssrc] } : { type: 'bye', ssrcs: [c.ssrc], reason: c.reason });
      const bytes = unhex(out[k]!.hex);
      expect(out[k]!.hex, `case ${k}: C's bytes are serializeRtcpCompound's`).toBe(Buffer.from(serializeRtcpCompound(intended)).toString('hex'));
      const parsed = parseRtcpCompound(bytes);
      expect(parsed.ok, `case ${k} parses`).toBe(true);
      if (parsed.ok) expect(parsed.value, `case ${k}: exactly the intended packets`).toEqual(intended);
    });
  });

  it('rtcp_build refuses what does not fit or is out of range: every capacity below the length, 32 or -1 blocks, an empty or 256-octet CNAME, a 256-octet reason, a reason without BYE', () => {
    const block = '11'.repeat(24);
    const line = (cap: number, n: number, blocks: string, cname: string, bye: number, reason: string): string =>
      `build ${cap} 305419896 1 e1e2e3e4f1f2f3f4 5 6 7 ${n} ${blocks} ${cname} ${bye} ${reason}`;
    const full = drive(plainDriver, [line(4096, 3, block.repeat(3), '61'.repeat(17), 1, '62'.repeat(5))]) as { hex: string }[];
    const length = full[0]!.hex.length / 2;
    expect(length).toBe(28 + 3 * 24 + 4 + 24 + 4 + 4 + 8);
    const caps = Array.from({ length: length + 3 }, (_, cap) => cap);
    // The sanitizer build gets an exactly-`cap`-octet heap buffer: a write past it is reported.
    const out = drive(sanitizedDriver ?? plainDriver, caps.map((cap) => line(cap, 3, block.repeat(3), '61'.repeat(17), 1, '62'.repeat(5)))) as { hex: string }[];
    expect(out.map((o) => o.hex)).toEqual(caps.map((cap) => (cap < length ? '' : full[0]!.hex)));
    const bad = drive(plainDriver, [
      line(4096, 32, block.repeat(31), '61', 0, '-'),
      line(4096, -1, '-', '61', 0, '-'),
      line(4096, 0, '-', '-', 0, '-'),
      line(4096, 0, '-', '61'.repeat(256), 0, '-'),
      line(4096, 0, '-', '61', 1, '62'.repeat(256)),
      line(4096, 0, '-', '61', 0, '62'),
      line(4096, 31, block.repeat(31), '61'.repeat(255), 1, '62'.repeat(255)), // the largest valid one
    ]) as { hex: string }[];
    expect(bad.slice(0, 6).map((o) => o.hex)).toEqual(['', '', '', '', '', '']);
    expect(bad[6]!.hex.length / 2).toBe(28 + 31 * 24 + 4 + 264 + 4 + 4 + 256);
    expect(parseRtcpCompound(unhex(bad[6]!.hex)).ok).toBe(true);
  });

  it('C report blocks and C compounds reproduce RtcpReporter.buildReport and buildBye byte for byte (SR after sending, RR when not, BYE with a reason)', () => {
    const our = 0x0badcafe;
    const remote = 0x51525354;
    const cname = 'me@softphone.test';
    const cnameHex = hex(new TextEncoder().encode(cname));
    const sender = new RtpSenderState(new FakeRng(3), { ssrc: our, clockRate: 8000 });
    const reporter = new RtcpReporter(sender, { cname, receiveClockRate: 8000 });
    const wall0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    const srBytes = serializeRtcpCompound([
      { type: 'sr', ssrc: remote, ntp: { seconds: 0xe0001234, fraction: 0x56789abc }, rtpTimestamp: 1, packetCount: 2, octetCount: 3, reports: [], profileExtension: noExtension },
    ]);
    // C learns the remote SR through rtcp_parse, as the media thread will.
    const srInfo = drive(plainDriver, [`parse ${hex(srBytes)} ${our}`])[0] as { haveSr: boolean; srSsrc: number; srMiddle: number };
    expect(srInfo).toMatchObject({ haveSr: true, srSsrc: remote, srMiddle: 0x12345678 });
    const rxCommands = [`init ${remote} 8000`];
    /** What the caller of rtcp_build passes at each report: the TypeScript sender's figures. */
    const reports: { sentSince: boolean; ntpHex: string; rtp: number; packets: number; octets: number }[] = [];
    const tsCompounds: string[] = [];
    const r = new Rand(5);
    let us = 3_000_000_123;
    let sentAtLastReport = 0;
    for (let k = 0; k < 600; k++) {
      us += 20_000 + r.int(4000) - 2000;
      const seq = (65000 + k) & 0xffff;
      if (k % 100 !== 99 && r.chance(0.05)) continue; // lost
      reporter.onRtp(remote, seq, k * 160, us / 1000);
      rxCommands.push(`pkt ${seq} ${k * 160} ${us}`);
      if (k === 150) {
        const parsed = parseRtcpCompound(srBytes);
        if (parsed.ok) reporter.onRtcp(parsed.value, wall0 + us / 1000, us / 1000);
        rxCommands.push(`sr ${srInfo.srMiddle} ${us}`);
      }
      if (k % 100 === 99) {
        if (k !== 399) {
          // We sent a frame in this interval (none in the fourth one: RR).
          const h = sender.nextMediaFrame(0, 160);
          sender.recordSent(160, h.timestamp, wall0 + us / 1000);
        }
        us += 1500;
        const wall = wall0 + us / 1000 + 0.25;
        tsCompounds.push(Buffer.from(serializeRtcpCompound(reporter.buildReport(wall, us / 1000))).toString('hex'));
        rxCommands.push(`block ${us}`);
        // The caller's rule (rtcp-reporter.ts): SR when a packet went out since the last report.
        const ntp = ntpFromUnixMs(wall);
        reports.push({
          sentSince: sender.counts.packetCount !== sentAtLastReport && sender.hasSent,
          ntpHex: ntp.seconds.toString(16).padStart(8, '0') + ntp.fraction.toString(16).padStart(8, '0'),
          rtp: sender.rtpTimestampAt(wall),
          packets: sender.counts.packetCount,
          octets: sender.counts.octetCount,
        });
        sentAtLastReport = sender.counts.packetCount;
      }
    }
    const cBlocks = drive(plainDriver, rxCommands).filter((o): o is { block: string } => typeof (o as { block?: unknown }).block === 'string');
    expect(cBlocks.length).toBe(reports.length);
    const buildCommands = reports.map(
      (p, k) => `build 1500 ${our} ${p.sentSince ? 1 : 0} ${p.ntpHex} ${p.rtp} ${p.packets} ${p.octets} 1 ${cBlocks[k]!.block} ${cnameHex} 0 -`,
    );
    buildCommands.push(`build 1500 ${our} 0 0 0 0 0 0 - ${cnameHex} 1 ${hex(new TextEncoder().encode('call ended'))}`);
    tsCompounds.push(Buffer.from(serializeRtcpCompound(reporter.buildBye('call ended'))).toString('hex'));
    const built = drive(plainDriver, buildCommands) as { hex: string }[];
    expect(built.map((b) => b.hex)).toEqual(tsCompounds);
    // Both SR and RR occurred, and blocks carried the remote SR's LSR and some loss.
    const heads = tsCompounds.map((c) => c.slice(2, 4));
    expect(heads.filter((h) => h === 'c8').length).toBe(5);
    expect(heads.filter((h) => h === 'c9').length).toBe(2); // the RR interval and the BYE compound
    const decoded = cBlocks.map((b) => decodeBlock(b.block));
    expect(decoded.some((b) => b.lastSr === 0x12345678 && b.delaySinceLastSr > 0 && b.cumulativeLost > 0 && b.fractionLost > 0)).toBe(true);
  });

  it('compounds serializeRtcpCompound writes (SR/RR with 0–31 blocks, SDES, BYE with reasons, APP, other types, padding) parse in C to what the TypeScript takes from them', () => {
    const r = new Rand(99);
    const commands: string[] = [];
    const expected: unknown[] = [];
    let reportFirst = 0;
    let otherFirst = 0;
    let withOurBlock = 0;
    for (let k = 0; k < 400; k++) {
      const our = r.u32();
      const packets = randomCompound(r, our, k < 64 ? k % 32 : undefined);
      const bytes = r.chance(0.3) ? serializeWithPadding(r, packets) : serializeRtcpCompound(packets);
      const parsed = parseRtcpCompound(bytes);
      expect(parsed.ok, `compound ${k} parses in TypeScript`).toBe(true);
      if (parsed.ok) expect(parsed.value, `compound ${k} round-trips in TypeScript`).toEqual(packets);
      const want = expectedParse(bytes, our);
      if (want.malformed === true) otherFirst++;
      else reportFirst++;
      if (want.haveBlock === true) withOurBlock++;
      commands.push(`parse ${hex(bytes)} ${our}`);
      expected.push(want);
    }
    expectSame(drive(plainDriver, commands), expected, (i) => `compound ${i}: ${commands[i]}`);
    expect(reportFirst).toBeGreaterThan(300);
    expect(otherFirst, 'compounds starting with SDES/BYE/APP/…: TypeScript accepts, C refuses (§6.1)').toBeGreaterThan(10);
    expect(withOurBlock).toBeGreaterThan(50);
  });

  it('malformed input: at every truncation, wrong version, length past the end, bad padding or count, C refuses exactly what parseRtcpCompound refuses (plus a first packet that is not SR/RR)', () => {
    const r = new Rand(4242);
    const inputs: { bytes: Uint8Array; our: number }[] = [];
    for (let k = 0; k < 40; k++) {
      const our = r.u32();
      const packets = randomCompound(r, our);
      if (packets[0]!.type !== 'sr' && packets[0]!.type !== 'rr') packets[0] = randomReport(r, our);
      const whole = serializeRtcpCompound(packets);
      for (let n = 0; n <= whole.length; n++) inputs.push({ bytes: whole.subarray(0, n), our });
      for (const h of headerOffsets(whole)) {
        for (const version of [0, 1, 3]) {
          const b = Uint8Array.from(whole);
          b[h] = (b[h]! & 0x3f) | (version << 6);
          inputs.push({ bytes: b, our });
        }
        for (const words of [((whole[h + 2]! << 8) | whole[h + 3]!) + 1, 0xffff, 0]) {
          const b = Uint8Array.from(whole);
          b[h + 2] = (words >> 8) & 0xff;
          b[h + 3] = words & 0xff;
          inputs.push({ bytes: b, our });
        }
        const size = (((whole[h + 2]! << 8) | whole[h + 3]!) + 1) * 4;
        for (const pad of [0, 1, size - 4, size - 3, 255]) {
          const b = Uint8Array.from(whole);
          b[h] = b[h]! | 0x20;
          b[h + size - 1] = pad;
          inputs.push({ bytes: b, our });
        }
        for (const count of [31, (whole[h]! & 0x1f) + 1]) {
          const b = Uint8Array.from(whole);
          b[h] = (b[h]! & 0xe0) | (count & 0x1f);
          inputs.push({ bytes: b, our });
        }
      }
    }
    for (let k = 0; k < 2000; k++) inputs.push({ bytes: r.chance(0.5) ? r.bytes(r.int(64)) : randomHeaders(r), our: r.u32() });
    const expected = inputs.map((x) => expectedParse(x.bytes, x.our));
    expectSame(
      drive(plainDriver, inputs.map((x) => `parse ${hex(x.bytes)} ${x.our}`)),
      expected,
      (i) => `input ${i}: ${hex(inputs[i]!.bytes)}`,
    );
    const refused = expected.filter((e) => e.malformed === true).length;
    expect(refused).toBeGreaterThan(inputs.length / 3);
    expect(inputs.length - refused).toBeGreaterThan(150);
  });

  it('24,000 random and mutated compounds through the AddressSanitizer/UBSan build: no report, and the same verdicts as parseRtcpCompound', () => {
    if (sanitizedDriver === undefined) process.stderr.write('\n*** native RTCP fuzz: no sanitizer build here, running the plain build ***\n\n');
    const r = new Rand(20_000);
    const pool: Uint8Array[] = [];
    const ours: number[] = [];
    for (let k = 0; k < 200; k++) {
      const our = r.u32();
      ours.push(our);
      pool.push(r.chance(0.3) ? serializeWithPadding(r, randomCompound(r, our)) : serializeRtcpCompound(randomCompound(r, our)));
    }
    const inputs: { bytes: Uint8Array; our: number }[] = [];
    for (let k = 0; k < 24_000; k++) {
      const at = r.int(pool.length);
      inputs.push({ bytes: mutate(r, pool[at]!), our: ours[at]! });
    }
    const expected = inputs.map((x) => expectedParse(x.bytes, x.our));
    expectSame(
      drive(sanitizedDriver ?? plainDriver, inputs.map((x) => `parse ${hex(x.bytes)} ${x.our}`)),
      expected,
      (i) => `fuzz input ${i}: ${hex(inputs[i]!.bytes)}`,
    );
    const accepted = expected.filter((e) => e.malformed === false).length;
    expect(accepted, 'mutations that still parse').toBeGreaterThan(2000);
    expect(inputs.length - accepted, 'mutations refused').toBeGreaterThan(2000);
  });

  it('NTP timestamps and middle 32 bits equal ntpFromUnixMs/ntpMiddle32; RTT equals roundTripTimeMs (undefined when LSR is 0 or the result negative)', () => {
    const r = new Rand(31);
    const times = [
      0,
      1,
      999,
      1000,
      0.1,
      -1,
      -1000.5,
      -1e-14, // the remainder rounds to 1000 ms: the fraction is clamped to 2^32 - 1
      -1e-20,
      -5e-324,
      1767225600123.5,
      Date.UTC(2026, 0, 1),
      2999.9999999999995,
      123_456_789 + 0.987_654_321,
      2 ** 40 + 0.3,
      (2 ** 32 - 2_208_988_800) * 1000, // the NTP era rollover (2036)
      (2 ** 32 - 2_208_988_800) * 1000 - 0.001,
      1e15,
      -1e15,
      2 ** 53,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      ...Array.from({ length: 300 }, () => r.u32() * 1000 + (r.u32() / 2 ** 32) * 1000),
    ];
    const ntpOut = drive(
      plainDriver,
      times.map((t) => `ntp ${String(t)}`),
    ) as { ntp: string; middle: number }[];
    expect(ntpOut).toEqual(
      times.map((t) => {
        const n = ntpFromUnixMs(t);
        return { ntp: n.seconds.toString(16).padStart(8, '0') + n.fraction.toString(16).padStart(8, '0'), middle: ntpMiddle32(n) };
      }),
    );

    const triples: [number, number, number][] = [
      [5 << 16, 1 << 16, 1 << 16], // 3 s
      [5 << 16, 0, 1 << 16], // LSR 0: undefined
      [1 << 16, 2 << 16, 0], // negative: undefined
      [0x100, 0xffffff00, 0x100], // across the 2^32 wrap: 0x100
      [0x1234, 0x1000, 0x234], // exactly 0
      [0x7fffffff, 1, 0], // the largest positive
      [0x80000001, 1, 0], // 2^31: negative as int32
      ...Array.from({ length: 200 }, (): [number, number, number] => {
        const lsr = r.u32();
        const dlsr = r.int(1 << 20);
        return [(lsr + dlsr + r.int(1 << 18) - (r.chance(0.2) ? 1 << 17 : 0)) >>> 0, r.chance(0.05) ? 0 : lsr, dlsr];
      }),
    ];
    const rttOut = drive(
      plainDriver,
      triples.map(([a, l, d]) => `rtt ${a} ${l} ${d}`),
    ) as { rtt: number | null }[];
    let defined = 0;
    triples.forEach(([a, l, d], k) => {
      const want = roundTripTimeMs(a, l, d);
      const got = rttOut[k]!.rtt;
      if (want === undefined) expect(got, `rtt ${a} ${l} ${d}`).toBeNull();
      else {
        defined++;
        expect(got, `rtt ${a} ${l} ${d}`).not.toBeNull();
        expect(Math.abs(got! - want), `rtt ${a} ${l} ${d}`).toBeLessThanOrEqual(0.01);
        expect(got, 'bit-identical').toBe(want);
      }
    });
    expect(rttOut.slice(0, 7).map((o) => o.rtt)).toEqual([3000, null, null, (0x100 * 1000) / 65536, 0, (0x7ffffffe * 1000) / 65536, null]);
    expect(defined).toBeGreaterThan(100);
  });
});
