import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DialRequest } from '../../src-shared/model/dial-request';
import { useApi } from '../bridge';
import { useNavigationStore } from './navigation';

/** What the dialer shows; fed by sip:/tel: links routed through main. */
export const useDialerStore = defineStore('dialer', () => {
  const target = ref('');
  const lastRequest = ref<DialRequest | null>(null);

  function init(): void {
    useApi().events.dialer.dialRequested((req) => {
      lastRequest.value = req;
      target.value = req.target;
      useNavigationStore().go('phone');
    });
  }

  function press(key: string): void {
    target.value += key;
  }

  function backspace(): void {
    target.value = target.value.slice(0, -1);
  }

  return { target, lastRequest, init, press, backspace };
});
