import { describe, expect, it } from 'vitest';
import { FakeAudioDevicePort, fakeDevice } from '../../../test/fakes/fake-audio-device.js';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { Emitter } from '../../base/event.js';
import { nullLogger } from '../../base/logger.js';
import type { CallState } from '../../protocol/sip/ua/call-session.js';
import { CallAlerts } from './call-alerts.js';
import type { CallInfo, PhoneEvent } from './phone-service.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const rms = (frames: Int16Array[]): number => {
  let s = 0;
  let n = 0;
  for (const f of frames) {
    for (const v of f) s += v * v;
    n += f.length;
  }
  return Math.sqrt(s / Math.max(1, n));
};

function setup() {
  const port = new FakeAudioDevicePort([
    fakeDevice('mic', { isDefaultInput: true, maxOutputChannels: 0 }),
    fakeDevice('speaker', { isDefaultOutput: true, maxInputChannels: 0 }),
    fakeDevice('loud-ringer', { maxInputChannels: 0 }),
  ]);
  const events = new Emitter<PhoneEvent>();
  const clock = new FakeClock();
  const alerts = new CallAlerts(events.event, { port, clock, logger: nullLogger, ringDevice: () => 'loud-ringer', speakerDevice: () => undefined });
  const call = (callId: string, direction: CallInfo['direction'], state: CallState): void =>
    events.fire({ type: 'call', call: { callId, accountId: 'a', direction, remote: 'sip:x@example.com' }, state });
  return { port, clock, alerts, call };
}

describe('CallAlerts: ringtone, ringback, busy and call waiting', () => {
  it('rings on the ringing device for an incoming call and stops at answer', async () => {
    const { port, alerts, call } = setup();
    call('in-1', 'incoming', { kind: 'incoming' });
    await flush();
    expect(alerts.alerts.get('in-1')).toBe('ringtone');
    expect(port.playbacks.map((p) => p.deviceId)).toEqual(['loud-ringer']);
    expect(rms(port.playbacks[0]!.pull(25))).toBeGreaterThan(3000); // the first 0.5 s is the warble
    call('in-1', 'incoming', { kind: 'answering' });
    await flush();
    expect(port.openStreams).toBe(0);
    expect(alerts.alerts.size).toBe(0);
  });

  it('plays ringback on the speaker while the far end rings without early media, and stops for early media', async () => {
    const { port, alerts, call } = setup();
    call('out-1', 'outgoing', { kind: 'calling' });
    call('out-1', 'outgoing', { kind: 'ringing', status: 180, earlyMedia: false });
    await flush();
    expect(alerts.alerts.get('out-1')).toBe('ringback');
    expect(port.playbacks[0]!.deviceId).toBe('speaker');
    const first = port.playbacks[0]!;
    call('out-1', 'outgoing', { kind: 'ringing', status: 180, earlyMedia: false }); // a repeated 180 does not restart the cadence
    await flush();
    expect(port.playbacks).toEqual([first]);
    call('out-1', 'outgoing', { kind: 'ringing', status: 183, earlyMedia: true });
    await flush();
    expect(port.openStreams).toBe(0);
  });

  it('plays the busy tone for three seconds, then closes the speaker', async () => {
    const { port, clock, alerts, call } = setup();
    call('out-2', 'outgoing', { kind: 'calling' });
    call('out-2', 'outgoing', { kind: 'ended', reason: { code: 'busy', status: 486, peerText: 'Busy Here' } });
    await flush();
    expect(alerts.alerts.get('out-2')).toBe('busy');
    const speaker = port.playbacks[0]!;
    const tone = speaker.pull(25); // 0.5 s on
    expect(rms(tone)).toBeGreaterThan(3000);
    speaker.pull(125); // the rest of the three seconds
    clock.advance(1);
    await flush();
    expect(port.openStreams).toBe(0);
  });

  it('uses the call-waiting tone on the speaker instead of the ringtone while another call is up', async () => {
    const { port, alerts, call } = setup();
    call('a', 'outgoing', { kind: 'calling' });
    call('a', 'outgoing', { kind: 'active', localHold: false, remoteHold: false });
    call('b', 'incoming', { kind: 'incoming' });
    await flush();
    expect(alerts.alerts.get('b')).toBe('call-waiting');
    expect(port.playbacks[0]!.deviceId).toBe('speaker');
    call('b', 'incoming', { kind: 'ended', reason: { code: 'cancelled' } });
    await flush();
    expect(port.openStreams).toBe(0);
    alerts.dispose();
  });

  it('closes a tone whose device was still opening when the call moved on', async () => {
    const { port, call } = setup();
    call('in-2', 'incoming', { kind: 'incoming' });
    call('in-2', 'incoming', { kind: 'answering' }); // before the device opened
    await flush();
    expect(port.openStreams).toBe(0);
  });
});
