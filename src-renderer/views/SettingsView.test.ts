// @vitest-environment jsdom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import type { SoftphoneApi } from '../../src-shared/ipc/client';
import type { AppInfo } from '../../src-shared/model/app-info';
import type { AudioDevicesView } from '../../src-shared/model/audio';
import type { AppSettings } from '../../src-shared/model/settings';
import { setApi } from '../bridge';
import { settings as settingsMessages } from '../i18n/en/settings';
import { useAppStore } from '../stores/app';
import { useAudioStore, type MicLevel } from '../stores/audio';
import { DEFAULT_SETTINGS, useSettingsStore } from '../stores/settings';
import SettingsView from './SettingsView.vue';

type Req = SoftphoneApi['requests'];

const DEVICES: AudioDevicesView = {
  backend: 'portaudio',
  devices: [
    { id: 'mic', name: 'Built-in Microphone', hostApi: 'ALSA', inputs: 1, outputs: 0, isDefaultInput: true, isDefaultOutput: false },
    { id: 'hs', name: 'USB Headset', hostApi: 'ALSA', inputs: 1, outputs: 2, isDefaultInput: false, isDefaultOutput: false },
  ],
  pairs: [{ id: 'pair:hs', name: 'USB Headset', captureDeviceId: 'hs', playbackDeviceId: 'hs', headset: true, isDefault: false }],
  preferences: { captureDeviceId: null, playbackDeviceId: null, ringDeviceId: null, echoCancellation: true, inputGainDb: 0, outputGainDb: -3 },
};

function fakeApi(platform: AppInfo['platform'] = 'linux') {
  const micLevel: ((l: MicLevel) => void)[] = [];
  const requests = {
    app: { getInfo: vi.fn<Req['app']['getInfo']>(async () => ({ name: 'Secure Softphone', version: '1.2.3', platform, carrier: 'websocket' as const, runtime: { node: '20', electron: null, chrome: null } })) },
    settings: {
      get: vi.fn<Req['settings']['get']>(async () => DEFAULT_SETTINGS),
      update: vi.fn<Req['settings']['update']>(async (patch) => ({ ...DEFAULT_SETTINGS, ...patch }) as AppSettings),
    },
    audio: {
      list: vi.fn<Req['audio']['list']>(async () => DEVICES),
      choose: vi.fn<Req['audio']['choose']>(async () => DEVICES),
      testTone: vi.fn<Req['audio']['testTone']>(async () => ({ done: true as const })),
      testMicrophone: vi.fn<Req['audio']['testMicrophone']>(() => new Promise(() => undefined)),
    },
  };
  const none = () => () => undefined;
  const events = {
    settings: { changed: none },
    audio: {
      changed: none,
      micLevel: (l: (p: MicLevel) => void) => {
        micLevel.push(l);
        return () => undefined;
      },
    },
  };
  setApi({ requests, events } as unknown as SoftphoneApi);
  return { requests, emitLevel: (l: MicLevel) => micLevel.forEach((f) => f(l)) };
}

let wrapper: VueWrapper | undefined;

async function mountView(): Promise<VueWrapper> {
  await Promise.all([useSettingsStore().init(), useAudioStore().init(), useAppStore().load()]);
  const i18n = createI18n({ legacy: false, locale: 'en', messages: { en: { settings: settingsMessages } } });
  wrapper = mount(SettingsView, { global: { plugins: [i18n] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

/** The control a <label> names (wrapping it, or by `for`). */
function control(w: VueWrapper, name: string): HTMLInputElement | HTMLSelectElement {
  const label = w.findAll('label').find((l) => l.text().trim() === name);
  if (label === undefined) throw new Error(`no label "${name}"`);
  const el = label.element as HTMLLabelElement;
  const c = el.htmlFor === '' ? el.querySelector('input, select') : document.getElementById(el.htmlFor);
  if (c === null) throw new Error(`label "${name}" names nothing`);
  return c as HTMLInputElement | HTMLSelectElement;
}

describe('SettingsView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('has the five sections and a switch for every on/off setting', async () => {
    fakeApi();
    const w = await mountView();
    expect(w.get('h1').text()).toBe('Settings');
    expect(w.findAll('h2').map((h) => h.text())).toEqual(['Audio', 'Calls', 'Application', 'Appearance', 'About']);
    const switches = ['Echo cancellation', 'Do not disturb', 'Keep running in the tray when the window is closed', 'Start minimised', 'Start at login', 'Notifications', 'Global shortcuts'];
    for (const name of switches) {
      const c = control(w, name);
      expect(c.getAttribute('role'), name).toBe('switch');
      expect((c as HTMLInputElement).type).toBe('checkbox');
    }
    expect(w.findAll('input[role="switch"]')).toHaveLength(switches.length);
    const theme = w.get('[role="radiogroup"]');
    expect(w.get(`#${theme.attributes('aria-labelledby')!}`).text()).toBe('Theme');
    expect(theme.findAll('input[type="radio"]').map((r) => r.attributes('data-theme-option'))).toEqual(['system', 'light', 'dark']);
    expect(w.get('[data-testid="app-version"]').text()).toBe('1.2.3');
    expect(w.get('[data-testid="about"]').text()).toContain('browser (loopback bridge)');
  });

  it('chooses devices (System default is null) and headset pairs through main', async () => {
    const api = fakeApi();
    const w = await mountView();
    const mic = control(w, 'Microphone') as HTMLSelectElement;
    expect([...mic.options].map((o) => [o.value, o.text.trim()])).toEqual([
      ['', 'System default'],
      ['mic', 'Built-in Microphone'],
      ['hs', 'USB Headset'],
    ]);
    expect([...(control(w, 'Speaker') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['', 'hs']);
    mic.value = 'hs';
    mic.dispatchEvent(new Event('change'));
    await flushPromises();
    expect(api.requests.audio.choose).toHaveBeenLastCalledWith({ captureDeviceId: 'hs' });
    const ring = control(w, 'Ringing device') as HTMLSelectElement;
    ring.value = '';
    ring.dispatchEvent(new Event('change'));
    await flushPromises();
    expect(api.requests.audio.choose).toHaveBeenLastCalledWith({ ringDeviceId: null });
    const use = w.findAll('button').find((b) => b.text() === 'Use USB Headset')!;
    await use.trigger('click');
    await flushPromises();
    expect(api.requests.audio.choose).toHaveBeenLastCalledWith({ pairId: 'pair:hs' });
  });

  it('sets volumes with sliders from −20 to +10 dB and shows the value', async () => {
    const api = fakeApi();
    const w = await mountView();
    const speaker = control(w, 'Speaker volume') as HTMLInputElement;
    expect([speaker.type, speaker.min, speaker.max, speaker.value]).toEqual(['range', '-20', '10', '-3']);
    expect(speaker.getAttribute('aria-valuetext')).toBe('\u22123 dB');
    const mic = w.find<HTMLInputElement>(`#${control(w, 'Microphone volume').id}`);
    await mic.setValue('4');
    await mic.trigger('change');
    await flushPromises();
    expect(api.requests.audio.choose).toHaveBeenLastCalledWith({ inputGainDb: 4 });
    expect(mic.attributes('aria-valuetext')).toBe('+4 dB');
  });

  it('tests the microphone with a live meter in dBFS', async () => {
    const api = fakeApi();
    const w = await mountView();
    const meter = w.get('[role="meter"]');
    expect(meter.attributes()).toMatchObject({ 'aria-label': 'Microphone level', 'aria-valuemin': '-60', 'aria-valuemax': '0', 'aria-valuenow': '-60', 'aria-valuetext': 'Silence' });
    await w.findAll('button').find((b) => b.text() === 'Test microphone')!.trigger('click');
    expect(api.requests.audio.testMicrophone).toHaveBeenCalledWith({});
    api.emitLevel({ rmsDbfs: -23.4, peakDbfs: -9, clipped: false });
    await flushPromises();
    expect(meter.attributes('aria-valuenow')).toBe('-23');
    expect(meter.get('.fill').attributes('style')).toContain('width: 61.66');
    await w.findAll('button').find((b) => b.text() === 'Test ringtone')!.trigger('click');
    expect(api.requests.audio.testTone).toHaveBeenCalledWith({ target: 'ring' });
  });

  it('turns Do not disturb on and picks its answer; the theme goes to main', async () => {
    const api = fakeApi();
    const w = await mountView();
    await w.get('[data-theme-option="dark"]').setValue(true);
    await flushPromises();
    expect(api.requests.settings.update).toHaveBeenLastCalledWith({ theme: 'dark' });
    const dnd = control(w, 'Do not disturb') as HTMLInputElement;
    dnd.checked = true;
    dnd.dispatchEvent(new Event('change'));
    await flushPromises();
    expect(api.requests.settings.update).toHaveBeenLastCalledWith({ doNotDisturb: true });
    const answer = control(w, 'Answer calls during Do not disturb with') as HTMLSelectElement;
    expect([...answer.options].map((o) => o.text.trim())).toEqual(['Busy (486)', 'Decline (603)']);
    answer.value = 'decline';
    answer.dispatchEvent(new Event('change'));
    await flushPromises();
    expect(api.requests.settings.update).toHaveBeenLastCalledWith({ dndResponse: 'decline' });
  });

  it('lists the shortcuts with ⌘ on macOS and Ctrl elsewhere', async () => {
    fakeApi('darwin');
    let w = await mountView();
    expect(w.get('[data-shortcut="answer"]').text()).toContain('⇧⌘A');
    wrapper?.unmount();
    setActivePinia(createPinia());
    fakeApi('linux');
    w = await mountView();
    expect(w.get('[data-shortcut="answer"]').text()).toContain('Ctrl+Shift+A');
    expect(w.get('[data-shortcut="answer"]').text()).toContain('Ctrl+Alt+A');
  });
});
