/**
 * PCMU and PCMA (RFC 3551 §4.5.14: G.711 µ-law PT 0, A-law PT 8, 8000 Hz, one octet per sample)
 * with waveform-repetition PLC (ITU-T G.711 Appendix I, simplified; see waveform-plc.ts).
 */
import { frameSamplesFor, type Codec, type CodecDescriptor, type CodecFactory, type CodecOptions } from './codec.js';
import { g711Decode, g711Encode, g711MeanAmplitude, type G711Law } from './g711.js';

/** Mean absolute amplitude under which a frame counts as silence: about −50 dBov. */
export const G711_SILENCE_MEAN_AMPLITUDE = 100;
import { WaveformPlc } from './waveform-plc.js';

export const PCMU_DESCRIPTOR: CodecDescriptor = { encodingName: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 };
export const PCMA_DESCRIPTOR: CodecDescriptor = { encodingName: 'PCMA', clockRate: 8000, channels: 1, payloadType: 8 };

class G711Codec implements Codec {
  readonly sampleRate = 8000;
  readonly frameSamples: number;
  readonly frameTicks: number;
  readonly payloadType: number;
  readonly decodeErrors = 0;
  private readonly plc = new WaveformPlc(8000);

  constructor(
    private readonly law: G711Law,
    readonly descriptor: CodecDescriptor,
    options: CodecOptions,
  ) {
    this.frameSamples = frameSamplesFor(8000, options.ptimeMs);
    this.frameTicks = this.frameSamples;
    this.payloadType = options.payloadType ?? descriptor.payloadType;
  }

  encode(pcm: Int16Array): Uint8Array {
    const out = new Uint8Array(pcm.length);
    g711Encode(this.law, pcm, out);
    return out;
  }

  decode(payload: Uint8Array): Int16Array {
    const out = new Int16Array(payload.length);
    g711Decode(this.law, payload, out);
    this.plc.receive(out);
    return out;
  }

  conceal(): Int16Array {
    const out = new Int16Array(this.frameSamples);
    this.plc.conceal(out);
    return out;
  }

  samplesIn(payload: Uint8Array): number {
    return payload.length;
  }

  isSilence(payload: Uint8Array): boolean {
    return g711MeanAmplitude(this.law, payload) < G711_SILENCE_MEAN_AMPLITUDE;
  }

  dispose(): void {
    this.plc.reset();
  }
}

export const pcmuCodecFactory: CodecFactory = {
  descriptor: PCMU_DESCRIPTOR,
  sampleRate: 8000,
  create: (options = {}) => new G711Codec('mulaw', PCMU_DESCRIPTOR, options),
};

export const pcmaCodecFactory: CodecFactory = {
  descriptor: PCMA_DESCRIPTOR,
  sampleRate: 8000,
  create: (options = {}) => new G711Codec('alaw', PCMA_DESCRIPTOR, options),
};
