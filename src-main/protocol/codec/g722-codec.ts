/**
 * G722 RTP payload (RFC 3551 §4.5.2, static PT 9): 16 kHz audio, one octet per two samples,
 * RTP clock rate 8000 "for historical reasons" (an erratum of RFC 1890 kept for
 * interoperability) — so a 20 ms frame is 320 samples, 160 octets and 160 timestamp units.
 * PLC: waveform repetition on the decoded 16 kHz signal.
 */
import { frameSamplesFor, type Codec, type CodecDescriptor, type CodecFactory, type CodecOptions } from './codec.js';
import { G722Decoder, G722Encoder } from './g722.js';
import { WaveformPlc } from './waveform-plc.js';

export const G722_DESCRIPTOR: CodecDescriptor = { encodingName: 'G722', clockRate: 8000, channels: 1, payloadType: 9 };

class G722Codec implements Codec {
  readonly descriptor = G722_DESCRIPTOR;
  readonly sampleRate = 16000;
  readonly frameSamples: number;
  readonly frameTicks: number;
  readonly payloadType: number;
  readonly decodeErrors = 0;
  private readonly encoder = new G722Encoder();
  private readonly decoder = new G722Decoder();
  private readonly plc = new WaveformPlc(16000);

  constructor(options: CodecOptions) {
    this.frameSamples = frameSamplesFor(16000, options.ptimeMs);
    this.frameTicks = this.frameSamples / 2;
    this.payloadType = options.payloadType ?? G722_DESCRIPTOR.payloadType;
  }

  encode(pcm: Int16Array): Uint8Array {
    const out = new Uint8Array(pcm.length >> 1);
    this.encoder.encode(pcm, out);
    return out;
  }

  decode(payload: Uint8Array): Int16Array {
    const out = new Int16Array(payload.length * 2);
    this.decoder.decode(payload, out);
    this.plc.receive(out);
    return out;
  }

  conceal(): Int16Array {
    // DEVIATION(ITU-T G.722 Appendix III/IV): the ADPCM decoder state is not re-synchronised
    // on the concealed signal; it adapts back within a few ms of the next good frame.
    const out = new Int16Array(this.frameSamples);
    this.plc.conceal(out);
    return out;
  }

  samplesIn(payload: Uint8Array): number {
    return payload.length * 2;
  }

  dispose(): void {
    this.encoder.reset();
    this.decoder.reset();
    this.plc.reset();
  }
}

export const g722CodecFactory: CodecFactory = {
  descriptor: G722_DESCRIPTOR,
  sampleRate: 16000,
  create: (options = {}) => new G722Codec(options),
};
