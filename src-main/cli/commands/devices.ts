/**
 * `softphone devices [--json]`
 *
 * Lists the sound devices PortAudio sees (through naudiodon, as the desktop app does): id, name,
 * host API, channels, default rate and low-latency buffering, the system defaults, and the
 * one-click pairs (a headset's microphone and earpiece together, headsets first). For IT and for
 * "why does the softphone not see my headset?".
 *
 * Exit status: 0 listed, 1 the audio backend is unavailable, 2 usage error.
 */
import { SystemClock } from '../../base/clock.js';
import type { AudioDeviceInfo } from '../../media/audio/audio-port.js';
import { PcmFifo } from '../../media/audio/pcm-fifo.js';
import { pairAudioDevices } from '../../media/audio/device-pairing.js';
import { NaudiodonAudioPort } from '../../platform/audio/naudiodon-audio-port.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand } from '../cli-io.js';

export const DEVICES_USAGE = 'devices [--json]';

const HELP = `Usage: softphone ${DEVICES_USAGE}

Lists the sound devices PortAudio sees, with their host API, channels and default rate, marks
the system defaults, and shows the microphone/speaker pairs the app offers as one-click choices
(headsets first).

  --json   machine-readable output: {"devices": [...], "pairs": [...]}

Exit status: 0 listed, 1 the audio backend is unavailable, 2 usage error.
`;

export const devicesCommand: CliCommand = async (args, io) => {
  if (args.includes('--help')) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const unknown = args.find((a) => a !== '--json');
  if (unknown !== undefined) {
    io.stderr.write(`softphone devices: unknown option ${unknown}\n${HELP}`);
    return EXIT_USAGE;
  }
  const json = args.includes('--json');
  const port = new NaudiodonAudioPort({ clock: new SystemClock({ unrefTimers: true }), createFifo: (n) => new PcmFifo(n) });
  try {
    const r = await port.listDevices();
    if (!r.ok) {
      if (json) io.stdout.write(`${JSON.stringify({ error: { code: r.error.code, message: r.error.message } })}\n`);
      else io.stderr.write(`softphone devices: ${r.error.message} (${r.error.code})\n`);
      return EXIT_FAILURE;
    }
    const devices = r.value;
    const pairs = pairAudioDevices(devices);
    if (json) {
      io.stdout.write(`${JSON.stringify({ devices, pairs })}\n`);
      return EXIT_OK;
    }
    const lines: string[] = [];
    const section = (title: string, filter: (d: AudioDeviceInfo) => boolean, isDefault: (d: AudioDeviceInfo) => boolean, channels: (d: AudioDeviceInfo) => number): void => {
      lines.push(title);
      const list = devices.filter(filter);
      if (list.length === 0) lines.push('  (none)');
      for (const d of list) lines.push(`  ${isDefault(d) ? '*' : ' '} ${d.name}  [${d.hostApi}, ${channels(d)} ch, ${d.defaultSampleRate} Hz]  id: ${d.id}`);
    };
    section('Microphones (* = system default):', (d) => d.maxInputChannels > 0, (d) => d.isDefaultInput, (d) => d.maxInputChannels);
    section('Speakers (* = system default):', (d) => d.maxOutputChannels > 0, (d) => d.isDefaultOutput, (d) => d.maxOutputChannels);
    lines.push('One-click pairs:');
    if (pairs.length === 0) lines.push('  (none: no microphone and speaker of the same device)');
    for (const p of pairs) lines.push(`  ${p.headset ? 'headset' : 'device '}  ${p.name}  [${p.hostApi}]  microphone: ${p.captureDeviceId}  speaker: ${p.playbackDeviceId}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT_OK;
  } finally {
    port.dispose();
  }
};
