import { describe, expect, it } from 'vitest';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { createBaseCodecRegistry } from '../../protocol/codec/index.js';
import { warmCallMediaHotPath } from './hot-path-warm-up.js';

describe('warmCallMediaHotPath', () => {
  it('runs the whole frame path between two scratch sessions without binding sockets or using host timers', async () => {
    const handles = process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'Timeout').length;
    const r = await warmCallMediaHotPath({ registry: createBaseCodecRegistry(), rng: new FakeRng(5), frames: 200, codecs: ['PCMU', 'G722'] });
    expect(r.codecs).toEqual(['PCMU', 'G722']);
    // Both codecs' packets went through SRTP and into the receiving session (a few frames of start-up aside).
    expect(r.packetsReceived).toBeGreaterThan(2 * 200 * 0.9);
    expect(process.getActiveResourcesInfo().filter((x) => x === 'UDPWrap' || x === 'Timeout').length).toBeLessThanOrEqual(handles);
  });
});
