/**
 * One real call between our headless CLI and a real baresip 1.0, through Kamailio over TLS, in
 * either direction, with everything the tests assert on collected afterwards: our CLI's JSON
 * events and exit status, both recordings, baresip's ctrl_tcp events, the SIP offer and answer
 * as Kamailio saw them on the wire, and our process's sockets while the call was up.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateToneWav } from '../../harness/audio/test-audio.js';
import { startBaresip, type Baresip, type BaresipCodec, type BaresipEvent, type BaresipMediaEncryption, type BaresipRecording } from '../../harness/baresip/baresip.js';
import type { HarnessScope } from '../../harness/harness-scope.js';
import { startKamailio, type Kamailio } from '../../harness/kamailio/kamailio.js';
import { socketsOfProcessGroup, type PeerSocket } from '../../harness/process-sockets.js';
import type { SipLogEntry } from '../../harness/sip-log.js';
import { ensureCliBuilt } from './cli-build.js';
import { SoftphoneCli, type CliEvent, type CliExit } from './softphone-cli.js';

export const OUR_TONE_HZ = 1000;
export const PEER_TONE_HZ = 440;
/** Seconds of audio in a call (after the answer); short, but long enough to analyse 2.5 s of it. */
export const CALL_SECONDS = 3.5;

export interface Rig {
  readonly scope: HarnessScope;
  readonly kam: Kamailio;
  readonly cliPath: string;
  /** 1 kHz, 48 kHz mono S16 (what we play). */
  readonly ourTone: string;
  /** 440 Hz, 48 kHz mono S16 (what baresip's aufile plays). */
  readonly peerTone: string;
}

export interface RigUser {
  readonly user: string;
  readonly password: string;
}

/**
 * One Kamailio for a test file, the tones, and a fresh CLI bundle. Both tones are 30 s WAVs at
 * 48 kHz mono S16 - what baresip's aufile needs, and what a user typically hands to `--play`:
 * our side must convert it to the codec's rate without stalling the call's audio.
 */
export async function startRig(scope: HarnessScope, users: readonly RigUser[]): Promise<Rig> {
  const [kam, cliPath, ourTone, peerTone] = await Promise.all([
    startKamailio({ scope, users }),
    ensureCliBuilt(),
    generateToneWav(join(scope.dir, 'tone-1k.wav'), { frequency: OUR_TONE_HZ, seconds: 30 }),
    generateToneWav(join(scope.dir, 'tone-440.wav'), { frequency: PEER_TONE_HZ, seconds: 30 }),
  ]);
  return { scope, kam, cliPath, ourTone, peerTone };
}

export type OurCodec = 'opus' | 'G722' | 'PCMA' | 'PCMU';
export type OurSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface OurAccount {
  readonly user: string;
  readonly password: string;
  readonly srtp?: 'mandatory' | 'optional' | 'off';
  readonly srtpSuites?: readonly OurSuite[];
  readonly codecs?: readonly OurCodec[];
}

export interface PeerConfig {
  readonly user: string;
  readonly password: string;
  readonly mediaEncryption?: BaresipMediaEncryption;
  readonly codecs?: readonly BaresipCodec[];
}

/** Writes our account file (src-shared/model/account.ts schema) into the scope; returns its path. */
export function writeAccount(rig: Rig, a: OurAccount): string {
  const path = join(rig.scope.dir, `account-${a.user}.json`);
  const account = {
    uri: `sip:${a.user}@${rig.kam.domain}`,
    password: a.password,
    outboundProxy: rig.kam.proxyUri('tls'),
    tls: { caFiles: [rig.kam.caCertPath] },
    registerExpires: 120,
    mwi: false,
    ...(a.srtp === undefined ? {} : { srtp: a.srtp }),
    ...(a.srtpSuites === undefined ? {} : { srtpSuites: a.srtpSuites }),
    ...(a.codecs === undefined ? {} : { codecs: a.codecs }),
  };
  writeFileSync(path, `${JSON.stringify(account, null, 2)}\n`, { mode: 0o600 });
  return path;
}

export async function startPeer(rig: Rig, p: PeerConfig, answerMode: 'auto' | 'manual'): Promise<Baresip> {
  const peer = await startBaresip({
    scope: rig.scope,
    kamailio: rig.kam,
    user: p.user,
    password: p.password,
    mediaEncryption: p.mediaEncryption ?? 'srtp-mand',
    codecs: p.codecs ?? ['PCMU'],
    audioSource: { kind: 'file', path: rig.peerTone },
    answerMode,
  });
  await peer.waitForRegistration();
  return peer;
}

export interface CallOutcome {
  readonly cli: SoftphoneCli;
  readonly exit: CliExit;
  readonly peer: Baresip;
  /** baresip's ctrl_tcp events of this call. */
  readonly peerEvents: readonly BaresipEvent[];
  /** What we recorded (the far end's audio, decoded by us). */
  readonly ourRecording: string;
  /** What baresip recorded (our audio, decoded by baresip); undefined when the call never set up media. */
  readonly peerRecording: BaresipRecording | undefined;
  /** Kamailio's log of this call's SIP messages (by Call-ID), in wire order. */
  readonly sip: readonly SipLogEntry[];
  /** Our process's sockets while the call was up (empty if it never was). */
  readonly socketsInCall: readonly PeerSocket[];
  media(): CliEvent | undefined;
  /** Our last `stats` event (packets sent/received, jitter buffer, concealment), for failure messages. */
  statsSummary(): string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every entry of Kamailio's log with this Call-ID. */
function sipOfCall(kam: Kamailio, callId: string | undefined): SipLogEntry[] {
  if (callId === undefined) return [];
  return kam.readSipLog().filter((e) => e.message.header('call-id') === callId);
}

/** The Call-ID of the last INVITE Kamailio forwarded from `from` to `to`. */
function lastInviteCallId(kam: Kamailio, from: string, to: string): string | undefined {
  return kam
    .readSipLog()
    .filter((e) => e.message.method === 'INVITE' && (e.message.header('from') ?? '').includes(`sip:${from}@`) && (e.message.header('to') ?? '').includes(`sip:${to}@`))
    .at(-1)
    ?.message.header('call-id');
}

export interface OutgoingOptions {
  readonly label: string;
  readonly us: OurAccount;
  readonly peer: PeerConfig;
  /** `--dtmf` digits (sent 1 s after the answer, 300 ms apart). */
  readonly dtmf?: string;
  /** More CLI options (e.g. `--verbose` while investigating a failure). */
  readonly extraArgs?: readonly string[];
}

/** `softphone call` → Kamailio (TLS) → baresip (auto-answer). */
export async function cliCallsBaresip(rig: Rig, o: OutgoingOptions): Promise<CallOutcome> {
  const peer = await startPeer(rig, o.peer, 'auto');
  const account = writeAccount(rig, o.us);
  const ourRecording = join(rig.scope.dir, `${o.label}-ours.wav`);
  const mark = peer.events.length;
  const cli = SoftphoneCli.start({
    scope: rig.scope,
    cliPath: rig.cliPath,
    name: o.label,
    cwd: rig.scope.dir,
    args: [
      'call',
      '--account', account,
      '--to', `sip:${o.peer.user}@${rig.kam.domain}`,
      '--play', rig.ourTone,
      '--record', ourRecording,
      '--duration', String(CALL_SECONDS),
      '--timeout', '15',
      ...(o.dtmf === undefined ? [] : ['--dtmf', o.dtmf]),
      ...(o.extraArgs ?? []),
      '--json',
    ],
  });
  let socketsInCall: PeerSocket[] = [];
  try {
    const first = await Promise.race([cli.waitForEvent('answered', { timeoutMs: 20_000 }), cli.exited.then(() => undefined)]);
    if (first !== undefined) {
      await sleep(1000);
      socketsInCall = socketsOfProcessGroup(cli.pid);
    }
    const exit = await cli.waitForExit(CALL_SECONDS * 1000 + 15_000);
    if (first !== undefined) await peer.waitForEvent('CALL_CLOSED', { fromIndex: mark, timeoutMs: 5000 });
    const callId = lastInviteCallId(rig.kam, o.us.user, o.peer.user);
    return outcome(cli, exit, peer, mark, ourRecording, sipOfCall(rig.kam, callId), socketsInCall);
  } finally {
    await peer.stop();
  }
}

export interface IncomingOptions {
  readonly label: string;
  readonly us: OurAccount;
  readonly peer: PeerConfig;
  /** Digits baresip sends (RFC 4733) once the call is up, then waits until they were heard. */
  readonly peerDtmf?: string;
  /** When the call is expected to be refused: no media wait, no hang-up from baresip. */
  readonly expectRefusal?: boolean;
}

/** baresip dials → Kamailio (TLS) → `softphone answer --calls 1`. */
export async function baresipCallsCli(rig: Rig, o: IncomingOptions): Promise<CallOutcome> {
  const account = writeAccount(rig, o.us);
  const ourRecording = join(rig.scope.dir, `${o.label}-ours.wav`);
  const [peer, cli] = await Promise.all([
    startPeer(rig, o.peer, 'manual'),
    Promise.resolve(
      SoftphoneCli.start({
        scope: rig.scope,
        cliPath: rig.cliPath,
        name: o.label,
        cwd: rig.scope.dir,
        args: ['answer', '--account', account, '--calls', '1', '--play', rig.ourTone, '--record', ourRecording, '--json'],
      }),
    ),
  ]);
  let socketsInCall: PeerSocket[] = [];
  try {
    await cli.waitForEvent('registered', { timeoutMs: 15_000 });
    const mark = peer.events.length;
    await peer.dial(`sip:${o.us.user}@${rig.kam.domain}`);
    if (o.expectRefusal === true) {
      await peer.waitForEvent('CALL_CLOSED', { fromIndex: mark, timeoutMs: 10_000 });
    } else {
      const established = await Promise.race([
        peer.waitForEvent('CALL_ESTABLISHED', { fromIndex: mark, timeoutMs: 10_000 }),
        peer.waitForEvent('CALL_CLOSED', { fromIndex: mark, timeoutMs: 10_000 }),
      ]);
      if (established.type === 'CALL_ESTABLISHED') {
        const started = Date.now();
        await sleep(1000);
        socketsInCall = socketsOfProcessGroup(cli.pid);
        if (o.peerDtmf !== undefined) {
          await peer.sendDtmf(o.peerDtmf);
          await cli
            .waitForEvent('dtmf', { timeoutMs: 5000, predicate: () => cli.of('dtmf').length >= o.peerDtmf!.length })
            .catch(() => undefined); // asserted by the test, with what did arrive
        }
        await sleep(Math.max(0, CALL_SECONDS * 1000 - (Date.now() - started)));
        await peer.hangup();
        await peer.waitForEvent('CALL_CLOSED', { fromIndex: mark, timeoutMs: 5000 });
      }
    }
    const exit = await cli.waitForExit(10_000);
    const callId = lastInviteCallId(rig.kam, o.peer.user, o.us.user);
    return outcome(cli, exit, peer, mark, ourRecording, sipOfCall(rig.kam, callId), socketsInCall);
  } finally {
    await Promise.all([peer.stop(), cli.stop()]);
  }
}

function outcome(cli: SoftphoneCli, exit: CliExit, peer: Baresip, mark: number, ourRecording: string, sip: SipLogEntry[], socketsInCall: PeerSocket[]): CallOutcome {
  return {
    cli,
    exit,
    peer,
    peerEvents: peer.events.slice(mark),
    ourRecording,
    peerRecording: peer.recordings().at(-1),
    sip,
    socketsInCall,
    media: () => cli.of('media').at(-1),
    statsSummary: () => {
      const s = cli.of('stats').at(-1);
      if (s === undefined) return 'our stats: none';
      const { packetsSent, packetsReceived, packetsLost, jitterBufferMs, concealedFrames, latePackets, srtpAuthFailures } = s;
      const answered = cli.of('answered').at(-1);
      const after = answered === undefined ? '' : ` (${((Date.parse(s.time) - Date.parse(answered.time)) / 1000).toFixed(1)} s after the answer)`;
      return `our last stats event${after}: ${JSON.stringify({ packetsSent, packetsReceived, packetsLost, jitterBufferMs, concealedFrames, latePackets, srtpAuthFailures })}`;
    },
  };
}
