/**
 * Runs the real naudiodon adapter in a child process (PortAudio reads the ALSA configuration
 * once per process; the parent test points HOME at a temporary ~/.asoundrc). Prints one line
 * "RESULT <json>" on stdout; everything else there is PortAudio's own chatter.
 *
 *   list
 *   capture  <deviceId> <sampleRate> <frameSamples> <frames>     → the first samples captured
 *   playback <deviceId> <sampleRate> <frameSamples> <frames>     → plays frames k = 1..n filled with a ramp
 */
import { SystemClock } from '../../../src-main/base/clock.js';
import { PcmFifo } from '../../../src-main/media/audio/pcm-fifo.js';
import { NaudiodonAudioPort } from '../../../src-main/platform/audio/naudiodon-audio-port.js';

const [mode, deviceId, rateArg, frameArg, countArg] = process.argv.slice(2);
const clock = new SystemClock();
const port = new NaudiodonAudioPort({ clock, createFifo: (n) => new PcmFifo(n), stallTimeoutMs: 3000 });
const result = (value: unknown): void => {
  process.stdout.write(`\nRESULT ${JSON.stringify(value)}\n`);
};

async function main(): Promise<void> {
  if (mode === 'list') {
    result(await port.listDevices());
    return;
  }
  const options = { deviceId, sampleRate: Number(rateArg), frameSamples: Number(frameArg) };
  const wanted = Number(countArg);
  if (mode === 'capture') {
    const opened = await port.openCapture(options);
    if (!opened.ok) return result(opened);
    const samples: number[] = [];
    await new Promise<void>((resolve) => {
      opened.value.onError((e) => {
        result({ ok: false, error: e });
        resolve();
      });
      opened.value.onFrame((f) => {
        if (samples.length < wanted * options.frameSamples) samples.push(...f);
        if (samples.length >= wanted * options.frameSamples) resolve();
      });
      opened.value.start();
    });
    opened.value.dispose();
    return result({ ok: true, samples, stats: opened.value.stats() });
  }
  if (mode === 'playback') {
    const opened = await port.openPlayback(options);
    if (!opened.ok) return result(opened);
    let k = 0;
    await new Promise<void>((resolve) => {
      opened.value.onError((e) => {
        result({ ok: false, error: e });
        resolve();
      });
      opened.value.setSource((out) => {
        k++;
        if (k > wanted) return; // silence after the signal
        for (let i = 0; i < out.length; i++) out[i] = k * 100 + i;
        if (k === wanted + 40) resolve();
      });
      const poll = clock.setInterval(5, () => {
        if (opened.value.stats().frames >= wanted + 40) {
          poll.dispose();
          resolve();
        }
      });
      opened.value.start();
    });
    opened.value.dispose();
    return result({ ok: true, stats: opened.value.stats() });
  }
  result({ ok: false, error: { code: 'usage', message: `unknown mode ${String(mode)}` } });
}

main()
  .catch((e: unknown) => result({ ok: false, error: { code: 'exception', message: String(e) } }))
  .finally(() => {
    port.dispose();
    // PortAudio threads can keep the process alive briefly; the result is already out.
    setTimeout(() => process.exit(0), 50).unref();
  });
