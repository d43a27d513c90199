/**
 * Opus packet framing, the part the media layer needs without decoding: RFC 6716 §3.1 (TOC
 * byte: configuration → mode, bandwidth, frame duration; code 0–3 → frame count) and §3.2.5
 * (code 3 frame count byte). Validation follows the §3.4 requirements R1–R7 only as far as the
 * frame count and total duration go; frame lengths are the decoder's business.
 */

export type OpusMode = 'silk' | 'hybrid' | 'celt';

export interface OpusToc {
  readonly config: number;
  readonly mode: OpusMode;
  /** Duration of one frame in units of 1/48000 s. */
  readonly frameSamples48k: number;
  readonly stereo: boolean;
  /** 0: one frame, 1: two equal, 2: two different, 3: arbitrary count. */
  readonly code: number;
}

/** §3.1 Table 2: frame size per configuration number, in 48 kHz samples. */
function frameSize48k(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3]!; // SILK: 10, 20, 40, 60 ms
  if (config < 16) return [480, 960][config & 1]!; // Hybrid: 10, 20 ms
  return [120, 240, 480, 960][config & 3]!; // CELT: 2.5, 5, 10, 20 ms
}

export function parseOpusToc(toc: number): OpusToc {
  const config = toc >> 3;
  return {
    config,
    mode: config < 12 ? 'silk' : config < 16 ? 'hybrid' : 'celt',
    frameSamples48k: frameSize48k(config),
    stereo: (toc & 0x04) !== 0,
    code: toc & 0x03,
  };
}

/**
 * Number of samples (at `sampleRate`) a packet decodes to, or undefined for a packet that is
 * malformed at the framing level (empty, code 3 without count byte, zero frames or > 120 ms).
 */
export function opusPacketSamples(packet: Uint8Array, sampleRate = 48000): number | undefined {
  if (packet.length === 0) return undefined;
  const toc = parseOpusToc(packet[0]!);
  let frames: number;
  if (toc.code === 0) frames = 1;
  else if (toc.code === 1 || toc.code === 2) frames = 2;
  else {
    if (packet.length < 2) return undefined;
    frames = packet[1]! & 0x3f;
    if (frames === 0) return undefined;
  }
  const total48k = frames * toc.frameSamples48k;
  if (total48k > 5760) return undefined; // R5: at most 120 ms
  return (total48k * sampleRate) / 48000;
}

/** A TOC-only packet (code 0, no frame data) with the configuration of `lastToc`: decoding it runs the decoder's own PLC for one frame. */
export function opusPlcPacket(lastToc: number): Uint8Array {
  return Uint8Array.of(lastToc & 0xfc);
}
