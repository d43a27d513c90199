/**
 * The codec and media-encryption options of the baresip harness, each proven by a short call
 * between two real baresip 1.0 instances through Kamailio over TLS: the negotiated codec is the
 * one asked for (SDP on the wire), and the 1 kHz tone arrives at that codec's rate. Also a plain
 * RTP offer (`mediaEncryption: 'none'`) to a peer with optional SRTP (`srtp`): media flows
 * unencrypted - the case our `optional` policy must handle.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseTone } from './audio/tone-analysis.js';
import { generateToneWav } from './audio/test-audio.js';
import { readWav } from './audio/wav.js';
import { startBaresip, type BaresipCodec, type BaresipMediaEncryption } from './baresip/baresip.js';
import { startKamailio, type Kamailio } from './kamailio/kamailio.js';
import { requirePeers } from './peers.js';
import { useHarnessScope } from './vitest-scope.js';

const peers = requirePeers(['kamailio', 'baresip', 'sox']);

interface Case {
  readonly codec: BaresipCodec;
  readonly caller: BaresipMediaEncryption;
  readonly callee: BaresipMediaEncryption;
  /** rtpmap encoding name and the rate sndfile records at. */
  readonly rtpmap: RegExp;
  readonly recordRate: number;
  readonly profile: 'RTP/SAVP' | 'RTP/AVP';
}

const CASES: readonly Case[] = [
  { codec: 'PCMA', caller: 'srtp-mand', callee: 'srtp-mand', rtpmap: /a=rtpmap:8 PCMA\/8000/, recordRate: 8000, profile: 'RTP/SAVP' },
  { codec: 'G722', caller: 'srtp-mand', callee: 'srtp-mand', rtpmap: /a=rtpmap:9 G722\/8000/, recordRate: 16000, profile: 'RTP/SAVP' },
  { codec: 'opus', caller: 'srtp-mand', callee: 'srtp-mand', rtpmap: /a=rtpmap:\d+ opus\/48000\/2/, recordRate: 48000, profile: 'RTP/SAVP' },
  { codec: 'PCMU', caller: 'none', callee: 'srtp', rtpmap: /a=rtpmap:0 PCMU\/8000/, recordRate: 8000, profile: 'RTP/AVP' },
];

// Skips only where a Debian peer is missing (requirePeers prints which); under CI=true requirePeers throws instead.
describe.skipIf(!peers.available)('baresip harness codecs and SRTP policies (real baresip 1.0 through Kamailio over TLS)', () => {
  const scope = useHarnessScope('baresip-codecs');
  let kam: Kamailio;
  let tone: string;

  beforeAll(async () => {
    kam = await startKamailio({ scope: scope(), users: [{ user: 'caller', password: 'c-pw' }, { user: 'callee', password: 'd-pw' }] });
    tone = await generateToneWav(join(scope().dir, 'tone-1k.wav'), { frequency: 1000, seconds: 20 });
  });

  for (const c of CASES) {
    it(`${c.codec}, caller ${c.caller} → callee ${c.callee}: ${c.profile} with ${c.codec} on the wire, the 1 kHz tone arrives at ${c.recordRate} Hz`, async () => {
      const [a, b] = await Promise.all([
        startBaresip({ scope: scope(), kamailio: kam, user: 'caller', password: 'c-pw', codecs: [c.codec], mediaEncryption: c.caller, audioSource: { kind: 'file', path: tone } }),
        startBaresip({ scope: scope(), kamailio: kam, user: 'callee', password: 'd-pw', codecs: [c.codec], mediaEncryption: c.callee, answerMode: 'auto' }),
      ]);
      try {
        await Promise.all([a.waitForRegistration(), b.waitForRegistration()]);
        await a.dial('sip:callee@pbx.test');
        await a.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 10_000 });
        await new Promise((r) => setTimeout(r, 1800));
        await a.hangup();
        await b.waitForEvent('CALL_CLOSED', { timeoutMs: 5000 });

        const answer = kam
          .readSipLog()
          .filter((e) => e.direction === 'out' && e.message.status === 200 && e.message.cseqMethod === 'INVITE')
          .at(-1);
        expect(answer?.message.body).toMatch(new RegExp(`^m=audio \\d+ ${c.profile.replace('/', '\\/')} `, 'm'));
        expect(answer?.message.body).toMatch(c.rtpmap);
        if (c.profile === 'RTP/AVP') {
          // The plain offer has no crypto; baresip's best-effort `srtp` still adds an a=crypto to
          // its RTP/AVP answer, but with none offered, neither side switches SRTP on.
          const offer = kam.readSipLog().filter((e) => e.direction === 'out' && e.message.method === 'INVITE').at(-1);
          expect(offer?.message.body).toMatch(/^m=audio \d+ RTP\/AVP /m);
          expect(offer?.message.body).not.toMatch(/a=crypto/);
          expect([...a.events, ...b.events].filter((e) => e.type === 'CALL_MENC')).toEqual([]);
        } else {
          expect(answer?.message.body).toMatch(/^a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 /m);
          expect(b.events.find((e) => e.type === 'CALL_MENC')?.param).toMatch(/AES_CM_128_HMAC_SHA1_80/);
        }

        const wav = readWav(b.recordings().at(-1)!.received);
        expect(wav.sampleRate).toBe(c.recordRate);
        const t = analyseTone(wav, { trimSeconds: 0.4 });
        expect(Math.abs(t.dominantHz - 1000)).toBeLessThan(10);
        expect(t.dominantShare).toBeGreaterThan(0.9);
        expect(t.rmsDbfs).toBeGreaterThan(-15);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });
  }
});
