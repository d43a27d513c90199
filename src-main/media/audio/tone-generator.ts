/**
 * Locally generated call-progress tones and the ringtone (no audio files to ship):
 *  - ringback and busy per ETSI ES 201 970 / ITU-T E.180 Supplement 2 (Europe: 425 Hz;
 *    ringback 1 s on 4 s off, busy 0.5 s on 0.5 s off) and for North America (ringback
 *    440+480 Hz 2 s on 4 s off, busy 480+620 Hz 0.5/0.5 s, ANSI T1.401);
 *  - call waiting (425 Hz: 0.2 s on, 0.2 s off, 0.2 s on, then a 3.4 s pause);
 *  - a ringtone for incoming calls (two alternating tones, 1 s warble then 2 s pause).
 * Segments start and end with a 4 ms raised-cosine ramp, so cadences do not click.
 * Pure and sample-exact: `fill(out)` continues where the last call stopped.
 */

export interface ToneSegment {
  /** Frequencies in Hz summed in this segment; empty = silence. */
  readonly frequencies: readonly number[];
  readonly durationMs: number;
  /** Alternate between the frequencies every `warbleMs` instead of summing them. */
  readonly warbleMs?: number;
}

export interface ToneSpec {
  readonly name: string;
  readonly segments: readonly ToneSegment[];
  /** Peak level relative to full scale, in dBFS (default −13, a comfortable tone level). */
  readonly levelDbfs?: number;
  /** Repeat the cadence forever (default true). */
  readonly repeat?: boolean;
}

export const TONES = {
  ringbackEurope: { name: 'ringback-eu', segments: [{ frequencies: [425], durationMs: 1000 }, { frequencies: [], durationMs: 4000 }] },
  ringbackNorthAmerica: { name: 'ringback-na', segments: [{ frequencies: [440, 480], durationMs: 2000 }, { frequencies: [], durationMs: 4000 }] },
  busyEurope: { name: 'busy-eu', segments: [{ frequencies: [425], durationMs: 500 }, { frequencies: [], durationMs: 500 }] },
  busyNorthAmerica: { name: 'busy-na', segments: [{ frequencies: [480, 620], durationMs: 500 }, { frequencies: [], durationMs: 500 }] },
  callWaiting: {
    name: 'call-waiting',
    segments: [
      { frequencies: [425], durationMs: 200 },
      { frequencies: [], durationMs: 200 },
      { frequencies: [425], durationMs: 200 },
      { frequencies: [], durationMs: 3400 },
    ],
  },
  ringtone: {
    name: 'ringtone',
    levelDbfs: -9,
    segments: [
      { frequencies: [1000, 1250], durationMs: 1000, warbleMs: 40 },
      { frequencies: [], durationMs: 2000 },
    ],
  },
} as const satisfies Record<string, ToneSpec>;

const RAMP_MS = 4;

export class ToneGenerator {
  private segment = 0;
  private posInSegment = 0;
  private readonly phases: number[] = [];
  private finished = false;
  private readonly amplitude: number;

  constructor(
    private readonly spec: ToneSpec,
    readonly sampleRate: number,
  ) {
    this.amplitude = 32767 * 10 ** ((spec.levelDbfs ?? -13) / 20);
  }

  /** True when a non-repeating tone has played out. */
  get done(): boolean {
    return this.finished;
  }

  /** Writes the next `out.length` samples. */
  fill(out: Int16Array): void {
    const rate = this.sampleRate;
    const ramp = Math.max(1, Math.round((RAMP_MS * rate) / 1000));
    for (let i = 0; i < out.length; i++) {
      if (this.finished) {
        out[i] = 0;
        continue;
      }
      const seg = this.spec.segments[this.segment]!;
      const len = Math.max(1, Math.round((seg.durationMs * rate) / 1000));
      let v = 0;
      const f = seg.frequencies;
      if (f.length > 0) {
        if (seg.warbleMs !== undefined) {
          const which = Math.floor((this.posInSegment * 1000) / rate / seg.warbleMs) % f.length;
          v = Math.sin(this.advancePhase(0, f[which]!));
        } else {
          for (let k = 0; k < f.length; k++) v += Math.sin(this.advancePhase(k, f[k]!));
          v /= f.length;
        }
        // Raised-cosine ramps at both ends of the segment.
        const edge = Math.min(this.posInSegment, len - 1 - this.posInSegment);
        if (edge < ramp) v *= 0.5 - 0.5 * Math.cos((Math.PI * (edge + 0.5)) / ramp);
      }
      out[i] = Math.round(v * this.amplitude);
      this.posInSegment++;
      if (this.posInSegment >= len) {
        this.posInSegment = 0;
        this.segment++;
        if (this.segment >= this.spec.segments.length) {
          this.segment = 0;
          if (this.spec.repeat === false) this.finished = true;
        }
      }
    }
  }

  reset(): void {
    this.segment = 0;
    this.posInSegment = 0;
    this.phases.length = 0;
    this.finished = false;
  }

  private advancePhase(k: number, hz: number): number {
    const p = this.phases[k] ?? 0;
    let next = p + (2 * Math.PI * hz) / this.sampleRate;
    if (next > 2 * Math.PI) next -= 2 * Math.PI;
    this.phases[k] = next;
    return p;
  }
}
