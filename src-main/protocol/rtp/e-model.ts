/**
 * Call quality estimate with the ITU-T G.107 E-model, simplified for VoIP monitoring:
 *
 *   R = R0 − Is − Id − Ie,eff + A, with the G.107 default R0 − Is = 93.2 and A = 0,
 *   Id = 0.024·Ta + 0.11·(Ta − 177.3)·H(Ta − 177.3)   (Cole & Rosenbluth's fit of G.107's Idd
 *        for the default talker-echo settings; Ta = one-way mouth-to-ear delay in ms),
 *   Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl)   (G.107 §7.4, Ppl in percent),
 *   MOS = 1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶ for 0 < R < 100 (G.107 Annex B).
 *
 * DEVIATION(ITU-T G.107): echo (Idte) is folded into the delay fit and the wideband extension
 * (G.107.1) is not used: G.722 and Opus are rated on the narrowband scale, so their MOS is an
 * under-estimate. The figure is for trends and alerts in the UI, not for SLA reporting.
 */

/** Equipment impairment (Ie) and packet-loss robustness (Bpl), ITU-T G.113 Appendix I. */
export interface CodecImpairment {
  readonly ie: number;
  readonly bpl: number;
}

/**
 * Per codec (rtpmap name, lower case). G.711 values are G.113 Appendix I (with the G.711
 * Appendix I PLC). G.722 and Opus have no narrowband G.113 entry: these are conservative
 * estimates (no coding impairment at the bitrates used, PLC comparable to G.711's).
 */
export const CODEC_IMPAIRMENTS: Readonly<Record<string, CodecImpairment>> = {
  pcmu: { ie: 0, bpl: 25.1 },
  pcma: { ie: 0, bpl: 25.1 },
  g722: { ie: 0, bpl: 25.1 },
  opus: { ie: 0, bpl: 20 },
};

const DEFAULT_IMPAIRMENT: CodecImpairment = { ie: 0, bpl: 4.3 }; // G.711 without PLC

export interface EModelInput {
  /** rtpmap encoding name (case-insensitive) or explicit Ie/Bpl. */
  readonly codec: string | CodecImpairment;
  /** Packet loss in percent (0..100), after the jitter buffer (network + late loss). */
  readonly packetLossPercent: number;
  /** Burst ratio (1 = random loss; >1 = bursty). */
  readonly burstRatio?: number;
  /** One-way mouth-to-ear delay in ms. */
  readonly oneWayDelayMs: number;
}

export interface EModelResult {
  readonly r: number;
  readonly mos: number;
}

export function rFactor(input: EModelInput): number {
  const imp = typeof input.codec === 'string' ? (CODEC_IMPAIRMENTS[input.codec.toLowerCase()] ?? DEFAULT_IMPAIRMENT) : input.codec;
  const ppl = clamp(input.packetLossPercent, 0, 100);
  const burstR = Math.max(1, input.burstRatio ?? 1);
  const ieEff = imp.ie + ((95 - imp.ie) * ppl) / (ppl / burstR + imp.bpl);
  const ta = Math.max(0, input.oneWayDelayMs);
  const id = 0.024 * ta + (ta > 177.3 ? 0.11 * (ta - 177.3) : 0);
  return 93.2 - id - ieEff;
}

/** G.107 Annex B: R to estimated MOS (conversational quality, 1..4.5). */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

export function estimateMos(input: EModelInput): EModelResult {
  const r = rFactor(input);
  return { r, mos: mosFromR(r) };
}

/**
 * A mouth-to-ear delay estimate from what a softphone can measure: half the RTCP round trip,
 * the jitter buffer's current delay, one packetization interval, codec look-ahead and an
 * allowance for the two audio devices (capture + playback buffers).
 */
export function estimateOneWayDelayMs(parts: {
  readonly rttMs?: number;
  readonly jitterBufferMs: number;
  readonly packetizationMs: number;
  readonly codecLookaheadMs?: number;
  readonly deviceLatencyMs?: number;
}): number {
  return (parts.rttMs ?? 0) / 2 + parts.jitterBufferMs + parts.packetizationMs + (parts.codecLookaheadMs ?? 0) + (parts.deviceLatencyMs ?? 40);
}

function clamp(v: number, lo: number, hi: number): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
}
