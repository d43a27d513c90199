// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../bridge';
import { fakeApi } from '../test-support/fake-api';
import { cleanDialInput, useDialerStore } from './dialer';
import { useNavigationStore } from './navigation';

describe('dialer', () => {
  it('paste cleans a phone number of spaces, dashes, dots and brackets, and leaves addresses alone', () => {
    expect(cleanDialInput(' +49 (30) 123-45.67 ')).toBe('+4930123456' + '7');
    expect(cleanDialInput('tel:+1-202-555-0100')).toBe('tel:+12025550100');
    expect(cleanDialInput(' sips:alice@pbx.example.com ')).toBe('sips:alice@pbx.example.com');
    expect(cleanDialInput('bob@pbx.example.com')).toBe('bob@pbx.example.com');
    expect(cleanDialInput('*97#')).toBe('*97#');
    expect(cleanDialInput('reception')).toBe('reception');
  });

  describe('store', () => {
    let fake: ReturnType<typeof fakeApi>;
    beforeEach(() => {
      setActivePinia(createPinia());
      fake = fakeApi({
        'history.list': () => ({
          entries: [1, 2, 1].map((n, i) => ({ id: `e${i}`, accountId: 'work', direction: 'outgoing', remote: { uri: `sip:${n}@pbx`, label: `${n}`, displayName: null }, startedAt: '2026-12-06T10:00:00Z', durationSeconds: 1, answered: true, missed: false, outcome: 'hangup-local', status: null, message: '', tls: true, srtp: true, security: { level: 'secure', tlsVersion: null, verification: null, srtpSuite: null, summary: '' } })),
          total: 3,
          offset: 0,
          missedUnseen: 0,
        }),
      });
      setApi(fake.api);
    });

    it('a sip: link from the OS lands in the dialer and brings the Phone view forward', async () => {
      const dialer = useDialerStore();
      const nav = useNavigationStore();
      dialer.init();
      nav.go('history');
      fake.emit('dialer.dialRequested', { target: 'sips:alice@pbx.example.com', source: 'protocol-link' });
      expect(dialer.target).toBe('sips:alice@pbx.example.com');
      expect(nav.current).toBe('phone');
      expect(dialer.focusRequest).toBe(1);
    });

    it('recent numbers come from the history, each once, newest first', async () => {
      const dialer = useDialerStore();
      await dialer.loadRecent();
      expect(dialer.recent.map((r) => r.label)).toEqual(['1', '2']);
    });
  });
});
