// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../../bridge';
import { createSoftphoneI18n } from '../../i18n';
import { useAppStore } from '../../stores/app';
import { fakeApi } from '../../test-support/fake-api';
import StartupNotice from './StartupNotice.vue';

const PROBLEM = { code: 'storage-corrupt', message: 'The call history file was damaged and has been set aside.', hint: 'Your calls from now on are kept.' };
const BRANDING = { provisioned: true, sources: [], usersMayAddAccounts: true, usersMayEditAccounts: true, reason: null, branding: { productName: 'Acme Phone', accentColor: '#aa3300' } };

describe('startup problems and provisioning branding', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('shows what went wrong at start with main’s words, until dismissed; keeps the branding', async () => {
    setApi(fakeApi({ 'app.getInfo': () => ({}), 'app.startupProblems': () => [PROBLEM], 'app.provisioning': () => BRANDING }).api);
    await useAppStore().load();
    const w = mount(StartupNotice, { global: { plugins: [createSoftphoneI18n()] } });
    await flushPromises();
    const region = w.get('[role="region"][aria-label="Problems found while starting"]');
    expect(region.text()).toContain(PROBLEM.message);
    expect(region.text()).toContain(PROBLEM.hint);
    expect(useAppStore().provisioning?.branding.accentColor).toBe('#aa3300');
    await w.get('button').trigger('click');
    expect(w.find('[role="region"]').exists()).toBe(false);
  });

  it('an older main without these channels: nothing shown, the app info still loads', async () => {
    setApi(fakeApi({ 'app.getInfo': () => ({ name: 'x' }) }).api);
    await useAppStore().load();
    expect(useAppStore().startupProblems).toEqual([]);
    expect(useAppStore().info).toEqual({ name: 'x' });
  });
});
