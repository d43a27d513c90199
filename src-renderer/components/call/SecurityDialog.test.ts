// @vitest-environment jsdom
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallSecurityView } from '../../../src-shared/model/call';
import { createSoftphoneI18n } from '../../i18n';
import { useNavigationStore } from '../../stores/navigation';
import { callView } from '../../test-support/views';
import SecurityDialog from './SecurityDialog.vue';

const base = callView('c1').security;
const security: CallSecurityView = {
  ...base,
  media: {
    ...base.media,
    offeredBy: 'them',
    remoteProfile: 'RTP/SAVP',
    lines: [
      { tag: 1, suite: 'AEAD_AES_256_GCM', verdict: 'not allowed', reason: 'Not in this account’s suites.', chosen: false },
      { tag: 2, suite: 'AES_CM_128_HMAC_SHA1_80', verdict: 'accepted', reason: 'The first line with a suite we allow.', chosen: true },
    ],
  },
};

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

describe('SecurityDialog', () => {
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('"Call security": who offered, each crypto line with main’s verdict and why (the chosen one marked), their media profile', () => {
    wrapper = mount(SecurityDialog, { props: { security, callId: 'c1' }, global: { plugins: [pinia, createSoftphoneI18n()] }, attachTo: document.body });
    const dialog = wrapper.get('[role="dialog"]');
    expect(wrapper.get(`[id="${dialog.attributes('aria-labelledby')!}"]`).text()).toBe('Call security');
    expect(dialog.text()).toContain('They offered');
    expect(dialog.text()).toContain('Their media profile');
    expect(dialog.text()).toContain('RTP/SAVP');
    const table = dialog.get('table[aria-label="Crypto lines"]');
    expect(table.findAll('thead th').map((h) => h.text())).toEqual(['Tag', 'Suite', 'Verdict', 'Why']);
    expect(table.findAll('tbody tr').map((r) => r.findAll('td').map((d) => d.text().replace(/\s+/g, ' ')))).toEqual([
      ['1', 'AEAD_AES_256_GCM', 'not allowed', 'Not in this account’s suites.'],
      ['2', 'AES_CM_128_HMAC_SHA1_80', 'Chosen accepted', 'The first line with a suite we allow.'],
    ]);
  });

  it('"Show SIP messages" closes the dialog and opens the SIP log of this call', async () => {
    wrapper = mount(SecurityDialog, { props: { security, callId: 'c1' }, global: { plugins: [pinia, createSoftphoneI18n()] }, attachTo: document.body });
    const show = wrapper.findAll('button').find((b) => b.text() === 'Show SIP messages')!;
    await show.trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
    const nav = useNavigationStore();
    expect(nav.current).toBe('diagnostics');
    expect(nav.sipLogRequest.callId).toBe('c1');
  });
});
