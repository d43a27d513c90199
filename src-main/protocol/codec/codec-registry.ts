/**
 * The codecs this build can use, and per-account preference order. Encoding names compare
 * case-insensitively (RFC 4855 §3); a codec is identified by name, clock rate and channels
 * (the rtpmap triple, RFC 4566 §6).
 */
import type { CodecDescriptor, CodecFactory } from './codec.js';
import { pcmaCodecFactory, pcmuCodecFactory } from './g711-codec.js';
import { g722CodecFactory } from './g722-codec.js';

export class CodecRegistry {
  private readonly factories: CodecFactory[] = [];

  register(factory: CodecFactory): this {
    const existing = this.find(factory.descriptor.encodingName, factory.descriptor.clockRate, factory.descriptor.channels);
    if (existing !== undefined) throw new Error(`codec ${describe(factory.descriptor)} registered twice`);
    this.factories.push(factory);
    return this;
  }

  /** All registered codecs in registration order. */
  all(): readonly CodecFactory[] {
    return this.factories;
  }

  /** Looks up a codec by rtpmap triple; `channels` defaults to 1 (RFC 4566 §6). */
  find(encodingName: string, clockRate: number, channels = 1): CodecFactory | undefined {
    const name = encodingName.toLowerCase();
    return this.factories.find(
      (f) => f.descriptor.encodingName.toLowerCase() === name && f.descriptor.clockRate === clockRate && f.descriptor.channels === channels,
    );
  }

  /**
   * The codecs to offer for an account, in its preference order. `preference` holds encoding
   * names (case-insensitive, e.g. ['opus', 'G722', 'PCMA', 'PCMU']); names this build does not
   * have are skipped, duplicates ignored. Codecs missing from the list are not offered unless
   * `appendOthers` is set (then they follow in registration order).
   */
  ordered(preference: readonly string[], appendOthers = false): CodecFactory[] {
    const out: CodecFactory[] = [];
    for (const name of preference) {
      const lower = name.toLowerCase();
      for (const f of this.factories) if (f.descriptor.encodingName.toLowerCase() === lower && !out.includes(f)) out.push(f);
    }
    if (appendOthers) for (const f of this.factories) if (!out.includes(f)) out.push(f);
    return out;
  }
}

export function describe(d: CodecDescriptor): string {
  return `${d.encodingName}/${d.clockRate}${d.channels === 1 ? '' : `/${d.channels}`}`;
}

/** A registry with the pure-TypeScript codecs (G.711 µ/A-law, G.722). Opus is added by media. */
export function createBaseCodecRegistry(): CodecRegistry {
  return new CodecRegistry().register(pcmuCodecFactory).register(pcmaCodecFactory).register(g722CodecFactory);
}

/** Default account preference: wideband first, then G.711. Accounts override it. */
export const DEFAULT_CODEC_PREFERENCE: readonly string[] = ['opus', 'G722', 'PCMU', 'PCMA'];
