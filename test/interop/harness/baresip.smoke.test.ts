/**
 * Proves the baresip harness (and, with it, Kamailio routing real SRTP calls) before our user
 * agent exists: two real baresip 1.0 instances register to the Kamailio harness over TLS; A calls
 * B with SDES-SRTP mandatory; A plays a 1 kHz tone made with sox, B records; the recording holds
 * a dominant 1 kHz at a sane level, and the SDP on the wire (Kamailio's log) is RTP/SAVP with
 * a=crypto and loopback addresses only.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseTone } from './audio/tone-analysis.js';
import { generateToneWav, soxStat } from './audio/test-audio.js';
import { readWav } from './audio/wav.js';
import { startBaresip, type Baresip } from './baresip/baresip.js';
import { startKamailio, type Kamailio } from './kamailio/kamailio.js';
import { requirePeers } from './peers.js';
import { isLoopbackBind, socketsOfProcessGroup } from './process-sockets.js';
import { isLoopbackAddress, sdpAddresses, type SipLogEntry } from './sip-log.js';
import { buildInDialogRequest, requestWithAuth, sdesSdp, uacDialogFrom2xx } from './sip-probe.js';
import { SipStreamClient, sipToken } from './sip-stream-client.js';
import { assertNoLivePeers, useHarnessScope } from './vitest-scope.js';

const peers = requirePeers(['kamailio', 'baresip', 'sox']);
const users = [
  { user: 'alice', password: 'alice-pw-7' },
  { user: 'bob', password: 'bob-pw-9' },
  { user: 'carol', password: 'carol-pw-3' },
];

// Skips only where a Debian peer is missing (requirePeers prints which); under CI=true requirePeers throws instead.
describe.skipIf(!peers.available)('baresip harness: two real baresip 1.0 calling through Kamailio over TLS with SDES-SRTP', () => {
  const scope = useHarnessScope('baresip-smoke');
  let kam: Kamailio;
  let alice: Baresip;
  let bob: Baresip;

  beforeAll(async () => {
    kam = await startKamailio({ scope: scope(), users });
    const tone = await generateToneWav(join(scope().dir, 'tone-1k.wav'), { frequency: 1000, seconds: 30 });
    [alice, bob] = await Promise.all([
      startBaresip({ scope: scope(), kamailio: kam, user: 'alice', password: 'alice-pw-7', audioSource: { kind: 'file', path: tone } }),
      startBaresip({ scope: scope(), kamailio: kam, user: 'bob', password: 'bob-pw-9', answerMode: 'auto', audioSource: { kind: 'sine', frequency: 440 } }),
    ]);
  });

  it('registers both instances to Kamailio over TLS with digest auth', async () => {
    await Promise.all([alice.waitForRegistration(), bob.waitForRegistration()]);
    // baresip reports the 200 before Kamailio's sipdump has written the REGISTER it answered: wait
    // for the log to hold Bob's authorized REGISTER, then check every REGISTER in it.
    await kam.waitForSipMessage(
      (e) => e.direction === 'in' && e.message.method === 'REGISTER' && (e.message.header('authorization')?.includes('username="bob"') ?? false),
    );
    const registers = kam.readSipLog().filter((e) => e.direction === 'in' && e.message.method === 'REGISTER');
    expect(registers.every((e) => e.proto === 'tls')).toBe(true);
    expect(registers.some((e) => e.message.header('authorization')?.includes('username="bob"'))).toBe(true);
  });

  it('binds SIP, TLS and ctrl_tcp listeners on 127.0.0.1 only', () => {
    for (const b of [alice, bob]) {
      const listeners = socketsOfProcessGroup(b.pid).filter((s) => s.proto.startsWith('tcp') && s.listening);
      expect(listeners.map((s) => s.port).sort()).toEqual([b.sipPort, b.tlsPort, b.ctrlPort].sort());
      expect(listeners.filter((s) => !isLoopbackBind(s.address))).toEqual([]);
    }
  });

  it('calls A → B through Kamailio with SRTP mandatory; B records the 1 kHz tone A plays and gets A\'s DTMF in order', async () => {
    const mark = alice.events.length;
    await alice.dial('sip:bob@pbx.test');
    const menc = await alice.waitForEvent('CALL_MENC', { fromIndex: mark, timeoutMs: 10_000 });
    expect(menc.param).toMatch(/AES_CM_128_HMAC_SHA1_80/);
    await alice.waitForEvent('CALL_ESTABLISHED', { fromIndex: mark, timeoutMs: 10_000 });
    await bob.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 5000 });
    // In the call, every socket of both (SIP, TLS, ctrl, RTP, RTCP, DNS client) is on loopback.
    for (const b of [alice, bob]) {
      const sockets = socketsOfProcessGroup(b.pid);
      expect(sockets.filter((s) => s.proto.startsWith('udp')).length).toBeGreaterThanOrEqual(3);
      expect(sockets.filter((s) => !isLoopbackBind(s.address))).toEqual([]);
    }
    await new Promise((r) => setTimeout(r, 1500));
    // DTMF (RFC 4733 telephone-events) from A arrives at B in order.
    const dtmfMark = bob.events.length;
    await alice.sendDtmf('159#');
    const starts = await bob.waitForEvents('CALL_DTMF_START', 4, { fromIndex: dtmfMark, timeoutMs: 5000 });
    expect(starts.map((e) => e.param).join('')).toBe('159#');
    await bob.waitForEvents('CALL_DTMF_END', 4, { fromIndex: dtmfMark, timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 1000));
    const bobMark = bob.events.length;
    await alice.hangup();
    await bob.waitForEvent('CALL_CLOSED', { fromIndex: bobMark, timeoutMs: 5000 });
    await alice.waitForEvent('CALL_CLOSED', { fromIndex: mark, timeoutMs: 5000 });

    const recording = bob.recordings().at(-1);
    expect(recording).toBeDefined();
    const wav = readWav(recording!.received);
    const tone = analyseTone(wav, { trimSeconds: 0.5 });
    expect(wav.durationSeconds).toBeGreaterThan(2);
    expect(tone.dominantHz).toBeGreaterThan(990);
    expect(tone.dominantHz).toBeLessThan(1010);
    expect(tone.dominantShare).toBeGreaterThan(0.9);
    // sox made the tone at 0.5 peak (-9 dBFS RMS); G.711 and resampling keep it within a few dB.
    expect(tone.rmsDbfs).toBeGreaterThan(-15);
    expect(tone.rmsDbfs).toBeLessThan(-5);
    // Second opinion from sox.
    const stat = await soxStat(recording!.received);
    expect(stat.roughFrequency).toBeGreaterThan(950);
    expect(stat.roughFrequency).toBeLessThan(1050);
    // And A heard B's 440 Hz sine.
    const back = analyseTone(readWav(alice.recordings().at(-1)!.received));
    expect(Math.abs(back.dominantHz - 440)).toBeLessThan(10);
  });

  it('shows SDES-SRTP on the wire in Kamailio\'s log: RTP/SAVP offer and answer with a=crypto, loopback addresses only', () => {
    const log = kam.readSipLog();
    const isInvite = (e: SipLogEntry): boolean => e.message.method === 'INVITE' || (e.message.status === 200 && e.message.cseqMethod === 'INVITE');
    const withSdp = log.filter((e) => isInvite(e) && e.message.body.includes('m=audio'));
    const offer = withSdp.find((e) => e.direction === 'out' && e.message.method === 'INVITE');
    const answer = withSdp.find((e) => e.direction === 'out' && e.message.status === 200);
    for (const sdp of [offer, answer]) {
      expect(sdp).toBeDefined();
      expect(sdp!.proto).toBe('tls');
      expect(sdp!.message.body).toMatch(/^m=audio \d+ RTP\/SAVP /m);
      expect(sdp!.message.body).toMatch(/^a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 inline:/m);
    }
    const addresses = withSdp.flatMap((e) => sdpAddresses(e.message.body));
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((a) => !isLoopbackAddress(a))).toEqual([]);
  });

  it('answers an offer of only AES_CM_128_HMAC_SHA1_32 with that suite (baresip 1.0 itself always offers _80)', async () => {
    const client = await SipStreamClient.connectTls(kam.ports.tls, { ca: kam.caCertPem, servername: 'pbx.test' });
    try {
      const carol = { user: 'carol', password: 'carol-pw-3', domain: 'pbx.test' };
      const offer = sdesSdp(40_010).replace('AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32');
      const { final } = await requestWithAuth(
        client,
        {
          method: 'INVITE',
          uri: 'sip:bob@pbx.test',
          client,
          from: '<sip:carol@pbx.test>',
          to: '<sip:bob@pbx.test>',
          callId: sipToken(),
          cseq: 1,
          extraHeaders: ['Contact: <sip:carol@127.0.0.1:9;transport=tls>'],
          body: offer,
        },
        carol,
        10_000,
      );
      expect(final.status).toBe(200);
      expect(final.body).toMatch(/^m=audio \d+ RTP\/SAVP /m);
      expect(final.body).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:/m);
      expect(final.body).not.toMatch(/_80/);
      const dialog = uacDialogFrom2xx(final);
      client.send(buildInDialogRequest(client, dialog, 'ACK', 2));
      client.send(buildInDialogRequest(client, dialog, 'BYE', 3));
      expect((await client.nextMessage((m) => m.cseqMethod === 'BYE' && m.status !== undefined)).status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it('stops both instances and Kamailio without leaving a process behind', async () => {
    await Promise.all([alice.stop(), bob.stop()]);
    await kam.stop();
    assertNoLivePeers();
  });
});
