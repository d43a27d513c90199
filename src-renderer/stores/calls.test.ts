// @vitest-environment jsdom
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../bridge';
import { fakeApi } from '../test-support/fake-api';
import { callView } from '../test-support/views';
import { ENDED_LINGER_MS, useCallsStore } from './calls';

describe('calls store: a projection of main’s calls', () => {
  let fake: ReturnType<typeof fakeApi>;
  beforeEach(() => {
    setActivePinia(createPinia());
    fake = fakeApi({ 'calls.list': () => ({ calls: [] }) });
    setApi(fake.api);
  });
  afterEach(() => vi.useRealTimers());

  it('follows calls.changed; a ringing incoming call is the banner’s, not the panel’s', async () => {
    const calls = useCallsStore();
    await calls.init();
    fake.emit('calls.changed', { calls: [callView('a'), callView('b', { direction: 'incoming', state: 'ringing' }, ['answer', 'decline'])] });
    expect(calls.live.map((c) => c.id)).toEqual(['a', 'b']);
    expect(calls.incoming.map((c) => c.id)).toEqual(['b']);
    expect(calls.shown.map((c) => c.id)).toEqual(['a']);
    expect(calls.current?.id).toBe('a');
  });

  it('the call in front is the one talking, unless the person chose another', async () => {
    const calls = useCallsStore();
    await calls.init();
    fake.emit('calls.changed', { calls: [callView('held', { state: 'held', held: true }, ['resume', 'swap', 'hangup']), callView('talk')] });
    expect(calls.current?.id).toBe('talk');
    calls.choose('held');
    expect(calls.current?.id).toBe('held');
    fake.emit('calls.changed', { calls: [callView('talk')] });
    expect(calls.current?.id).toBe('talk');
  });

  it('an ended call stays on screen with its reason for a moment, then goes', async () => {
    vi.useFakeTimers();
    const calls = useCallsStore();
    await calls.init();
    fake.emit('calls.changed', { calls: [callView('a')] });
    fake.emit('calls.changed', { calls: [callView('a', { state: 'ended', endReason: { code: 'hangup-remote', status: null, message: 'The other party hung up.' } }, [])] });
    expect(calls.live).toEqual([]);
    expect(calls.calls.map((c) => c.endReason?.message)).toEqual(['The other party hung up.']);
    vi.advanceTimersByTime(ENDED_LINGER_MS + 1);
    expect(calls.calls).toEqual([]);
  });

  it('actions are thin requests; a refusal keeps main’s words and fix', async () => {
    fake.handle('calls.hold', () => {
      throw { code: 'call-action-refused', message: 'The other side refused to hold.', hint: 'Try again.' };
    });
    fake.handle('calls.sendDtmf', () => ({ done: true }));
    const calls = useCallsStore();
    await calls.init();
    expect(await calls.sendDtmf('a', '5')).toBe(true);
    expect(await calls.hold('a')).toBe(false);
    expect(calls.problem).toMatchObject({ callId: 'a', message: 'The other side refused to hold.', hint: 'Try again.' });
    expect(fake.calls.map((c) => c.channel)).toEqual(['calls.list', 'calls.sendDtmf', 'calls.hold']);
    expect(fake.calls[1]!.payload).toEqual({ callId: 'a', digits: '5' });
  });

  it('meters and quality are kept per call and dropped when the call goes', async () => {
    const calls = useCallsStore();
    await calls.init();
    fake.emit('calls.changed', { calls: [callView('a')] });
    fake.emit('calls.levels', { callId: 'a', inputRmsDbfs: -100, inputPeakDbfs: -100, outputRmsDbfs: -20, outputPeakDbfs: -12, inputClipped: false });
    expect(calls.levels.a?.inputRmsDbfs).toBe(-100);
    fake.emit('calls.quality', { callId: 'a', codec: 'PCMU', mos: 4.3, lossPercent: 0, remoteLossPercent: null, jitterMs: 2, rttMs: 10, jitterBufferMs: 40, packetsSent: 1, packetsReceived: 1, packetsLost: 0, concealedFrames: 0, rating: 'good' });
    expect(calls.quality.a?.mos).toBe(4.3);
    fake.emit('calls.changed', { calls: [] });
    await flushPromises();
    expect(calls.quality.a).toBeUndefined();
    expect(calls.levels.a).toBeUndefined();
  });
});
