/**
 * A clocked audio loop without a sound card, for tests and benchmarks: a private PulseAudio
 * daemon with one null sink, and an ~/.asoundrc (in a private HOME) with two ALSA `pulse` PCMs -
 * `softphone_speaker` plays into the sink, `softphone_mic` records its monitor - so whatever a
 * process plays comes straight back into its microphone, through real device buffers and clocks.
 *
 * PortAudio reads the ALSA configuration when it initialises (once per process): a process that
 * opens these devices must have `env()` (HOME pointing here) before it first touches PortAudio.
 * Needs Debian's pulseaudio and libasound2-plugins (scripts/pretest.mjs installs both).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from '../interop/harness/managed-process.js';

/** PortAudio's names of the two devices (ALSA PCMs defined in the loop's .asoundrc). */
export const LOOP_SPEAKER = 'softphone_speaker';
export const LOOP_MICROPHONE = 'softphone_mic';

export class PulseLoop {
  private constructor(
    readonly home: string,
    readonly daemon: ManagedProcess,
  ) {}

  /** Starts the daemon (its null sink at `rate`, mono) and writes the ALSA configuration. */
  static async start(rate: number): Promise<PulseLoop> {
    const home = mkdtempSync(join(tmpdir(), 'softphone-pulse-loop-'));
    const socket = join(home, 'pulse-native');
    writeFileSync(
      join(home, '.asoundrc'),
      `# written by test/support/pulse-loop.ts
pcm.${LOOP_SPEAKER} {
  type pulse
  server "unix:${socket}"
  device "softphone_loop"
  hint { show on description "Loop speaker (PulseAudio null sink)" }
}
pcm.${LOOP_MICROPHONE} {
  type pulse
  server "unix:${socket}"
  device "softphone_loop.monitor"
  hint { show on description "Loop microphone (the null sink's monitor)" }
}
`,
    );
    const daemon = ManagedProcess.spawn({
      name: 'pulseaudio',
      command: 'pulseaudio',
      args: [
        '-n', // no default.pa: only the modules below
        '--daemonize=no',
        '--exit-idle-time=-1',
        '--use-pid-file=no',
        '--disable-shm',
        '--log-target=stderr',
        '-L', `module-null-sink sink_name=softphone_loop rate=${rate} channels=1`,
        '-L', `module-native-protocol-unix auth-anonymous=1 socket=${socket}`,
      ],
      logPath: join(home, 'pulseaudio.log'),
      cwd: home,
      env: loopEnv(home, process.env),
    });
    const loop = new PulseLoop(home, daemon);
    try {
      await daemon.waitUntil('the PulseAudio socket', () => existsSync(socket), 15_000);
    } catch (e) {
      await loop.stop();
      throw e;
    }
    return loop;
  }

  /** The environment for a process that uses the loop's devices (and for the daemon). */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return loopEnv(this.home, base);
  }

  /** Points this process at the loop (before its PortAudio first initialises). */
  adoptInThisProcess(): void {
    const e = this.env();
    for (const k of ['HOME', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME'] as const) process.env[k] = e[k];
    delete process.env.ALSA_CONFIG_PATH;
    delete process.env.ALSA_CONFIG_DIR;
    delete process.env.PULSE_SERVER;
  }

  async stop(): Promise<void> {
    await this.daemon.stop();
    rmSync(this.home, { recursive: true, force: true });
  }
}

function loopEnv(home: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...base, HOME: home, XDG_RUNTIME_DIR: home, XDG_CONFIG_HOME: join(home, '.config') };
  delete e.ALSA_CONFIG_PATH;
  delete e.ALSA_CONFIG_DIR;
  delete e.PULSE_SERVER;
  return e;
}
