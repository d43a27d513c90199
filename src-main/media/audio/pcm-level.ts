/**
 * Level metering and gain for mono 16-bit frames (input/output volume, level meter events,
 * mute is gain −∞). Levels in dBFS: 0 dBFS is a full-scale square wave (RMS 32767).
 */

export interface PcmLevel {
  /** RMS level in dBFS (−Infinity for digital silence). */
  readonly rmsDbfs: number;
  /** Peak level in dBFS. */
  readonly peakDbfs: number;
  /** True if any sample hit full scale. */
  readonly clipped: boolean;
}

/** Accumulates frames and gives their level over the window since the last `take()` (meters). */
export class LevelMeter {
  private sum = 0;
  private samples = 0;
  private peak = 0;

  add(frame: Int16Array): void {
    let sum = 0;
    let peak = this.peak;
    for (let i = 0; i < frame.length; i++) {
      const v = frame[i]!;
      sum += v * v;
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
    }
    this.sum += sum;
    this.samples += frame.length;
    this.peak = peak;
  }

  /** The level of what was added since the last call, and a fresh window. */
  take(): PcmLevel {
    const rms = this.samples === 0 ? 0 : Math.sqrt(this.sum / this.samples);
    const level = { rmsDbfs: toDbfs(rms), peakDbfs: toDbfs(this.peak), clipped: this.peak >= 32767 };
    this.sum = 0;
    this.samples = 0;
    this.peak = 0;
    return level;
  }
}

function toDbfs(v: number): number {
  return v === 0 ? -Infinity : 20 * Math.log10(Math.min(v, 32767) / 32767);
}

export function measureLevel(frame: Int16Array): PcmLevel {
  const meter = new LevelMeter();
  meter.add(frame);
  return meter.take();
}

/** Applies a gain in dB in place, saturating; −Infinity mutes. */
export function applyGainDb(frame: Int16Array, gainDb: number): void {
  if (gainDb === 0) return;
  if (gainDb === -Infinity) {
    frame.fill(0);
    return;
  }
  const g = 10 ** (gainDb / 20);
  for (let i = 0; i < frame.length; i++) {
    const v = Math.round(frame[i]! * g);
    frame[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
}
