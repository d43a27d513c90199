import { describe, expect, it } from 'vitest';
import { telephoneEvent, type CodecSpec } from './codec-negotiation.js';

const TE8: CodecSpec = { payloadType: 101, encodingName: 'telephone-event', clockRate: 8000 };
const TE48: CodecSpec = { payloadType: 110, encodingName: 'telephone-event', clockRate: 48000 };
const OPUS: CodecSpec = { payloadType: 111, encodingName: 'opus', clockRate: 48000, channels: 2 };

describe('telephoneEvent: the RFC 4733 format to send DTMF with', () => {
  it('prefers the one on the audio codec\'s RTP clock (RFC 4733 §2.1), whatever the order', () => {
    expect(telephoneEvent([OPUS, TE8, TE48], 48000)).toBe(TE48);
    expect(telephoneEvent([OPUS, TE48, TE8], 8000)).toBe(TE8);
  });

  it('falls back to the first agreed one when none matches (peers that only do 8 kHz), and to none', () => {
    expect(telephoneEvent([OPUS, TE8], 48000)).toBe(TE8);
    expect(telephoneEvent([OPUS])).toBeUndefined();
  });
});
