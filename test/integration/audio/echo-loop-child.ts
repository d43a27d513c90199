/**
 * Child process of echo-loop.test.ts: the real-time echo loop. Plays a speech-like far-end
 * signal, passed through a synthetic room (direct path -8 dB, RT60 150 ms; the delay is the real
 * one of the path), through naudiodon (PortAudio → ALSA `pulse` plugin → a PulseAudio null
 * sink), captures the sink's monitor as the microphone (so the echo is what the speaker really
 * played, after every real buffer on the way), and runs the speexdsp echo canceller on the two
 * streams as the call pipeline would: playback(the clean far-end frame) in the playback pull,
 * capture() in the capture event.
 * Prints one line "RESULT <json>" on stdout (PortAudio may chatter around it).
 *
 *   <speakerId> <micId> <sampleRate> <frameSamples> <seconds> <seed>
 */
import { SystemClock } from '../../../src-main/base/clock.js';
import { PcmFifo } from '../../../src-main/media/audio/pcm-fifo.js';
import { NaudiodonAudioPort } from '../../../src-main/platform/audio/naudiodon-audio-port.js';
import { speexEchoCancellerFactory } from '../../../src-main/platform/audio/speex-echo-canceller.js';
import { convolve, echoImpulseResponse, speechLike, toInt16 } from '../../support/echo-simulation.js';

const [speakerId, micId, rateArg, frameArg, secondsArg, seedArg] = process.argv.slice(2);
const sampleRate = Number(rateArg);
const frameSamples = Number(frameArg);
const seconds = Number(secondsArg);
const clock = new SystemClock();
const port = new NaudiodonAudioPort({ clock, createFifo: (n) => new PcmFifo(n), stallTimeoutMs: 3000 });
const result = (value: unknown): void => {
  process.stdout.write(`\nRESULT ${JSON.stringify(value)}\n`);
};
const b64 = (a: Int16Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

async function main(): Promise<void> {
  const made = speexEchoCancellerFactory()({ sampleRate, frameSamples, residualEchoSuppression: false });
  if (!made.ok) return result({ ok: false, error: made.error });
  const aec = made.value;
  const far = toInt16(speechLike(sampleRate, seconds, Number(seedArg), -20).signal);
  const room = { deviceLatencyMs: 0, roomDelayMs: 0, gainDb: -8, rt60Ms: 150, tailMs: 100 };
  const speaker = toInt16(convolve(Float64Array.from(far), echoImpulseResponse(sampleRate, room, Number(seedArg) + 1)));
  const frames = Math.floor(far.length / frameSamples);
  const mic = new Int16Array(frames * frameSamples);
  const out = new Int16Array(frames * frameSamples);

  const playback = await port.openPlayback({ deviceId: speakerId, sampleRate, frameSamples });
  if (!playback.ok) return result({ ok: false, error: playback.error });
  const capture = await port.openCapture({ deviceId: micId, sampleRate, frameSamples });
  if (!capture.ok) return result({ ok: false, error: capture.error });

  let played = 0;
  let captured = 0;
  /** played − captured at each capture: how far the playback side runs ahead (jitter, drift). */
  const lead: number[] = [];
  await new Promise<void>((resolve, reject) => {
    playback.value.onError((e) => reject(new Error(`${e.code}: ${e.message}`)));
    capture.value.onError((e) => reject(new Error(`${e.code}: ${e.message}`)));
    playback.value.setSource((frame) => {
      const at = played * frameSamples;
      if (played < frames) {
        aec.playback(far.subarray(at, at + frameSamples));
        frame.set(speaker.subarray(at, at + frameSamples));
      } else {
        aec.playback(frame); // silence
      }
      played++;
    });
    capture.value.onFrame((frame) => {
      if (captured >= frames) return;
      const at = captured * frameSamples;
      mic.set(frame, at);
      aec.capture(frame, out.subarray(at, at + frameSamples));
      captured++;
      lead.push(played - captured);
      if (captured === frames) resolve();
    });
    capture.value.start();
    playback.value.start();
  });
  const stats = { aec: aec.stats(), playback: playback.value.stats(), capture: capture.value.stats() };
  capture.value.dispose();
  playback.value.dispose();
  aec.dispose();
  result({ ok: true, frames, played, mic: b64(mic), out: b64(out), stats, lead });
}

main()
  .catch((e: unknown) => result({ ok: false, error: { code: 'exception', message: String(e) } }))
  .finally(() => {
    port.dispose();
    setTimeout(() => process.exit(0), 50).unref();
  });
