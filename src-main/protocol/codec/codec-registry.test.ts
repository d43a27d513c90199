import { describe, expect, it } from 'vitest';
import type { CodecFactory } from './codec.js';
import { CodecRegistry, createBaseCodecRegistry, describe as describeCodec } from './codec-registry.js';

const fakeOpus: CodecFactory = {
  descriptor: { encodingName: 'opus', clockRate: 48000, channels: 2, payloadType: 111, fmtp: 'useinbandfec=1' },
  sampleRate: 48000,
  create: () => {
    throw new Error('not used');
  },
};

describe('codec registry and per-account preference', () => {
  it('finds codecs by rtpmap triple, case-insensitively (RFC 4855 §3), defaulting channels to 1', () => {
    const r = createBaseCodecRegistry();
    expect(r.find('pcmu', 8000)?.descriptor.payloadType).toBe(0);
    expect(r.find('G722', 8000)?.sampleRate).toBe(16000);
    expect(r.find('G722', 16000)).toBeUndefined(); // the RTP clock of G.722 is 8000
    expect(r.find('PCMA', 8000, 2)).toBeUndefined();
  });

  it('orders the offer by the account preference, skipping unknown and duplicate names', () => {
    const r = createBaseCodecRegistry().register(fakeOpus);
    expect(r.ordered(['PCMA', 'opus', 'speex', 'pcma', 'G722']).map((f) => describeCodec(f.descriptor))).toEqual(['PCMA/8000', 'opus/48000/2', 'G722/8000']);
    expect(r.ordered(['G722'], true).map((f) => f.descriptor.encodingName)).toEqual(['G722', 'PCMU', 'PCMA', 'opus']);
    expect(r.ordered([])).toEqual([]);
  });

  it('refuses to register the same codec twice', () => {
    expect(() => new CodecRegistry().register(fakeOpus).register(fakeOpus)).toThrow(/twice/);
  });
});
