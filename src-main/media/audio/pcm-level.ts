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

export function measureLevel(frame: Int16Array): PcmLevel {
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < frame.length; i++) {
    const v = frame[i]!;
    sum += v * v;
    const a = v < 0 ? -v : v;
    if (a > peak) peak = a;
  }
  const rms = frame.length === 0 ? 0 : Math.sqrt(sum / frame.length);
  return {
    rmsDbfs: rms === 0 ? -Infinity : 20 * Math.log10(rms / 32767),
    peakDbfs: peak === 0 ? -Infinity : 20 * Math.log10(Math.min(peak, 32767) / 32767),
    clipped: peak >= 32767,
  };
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
