import { defineStore } from 'pinia';
import { ref } from 'vue';

export const VIEWS = [
  { id: 'phone', label: 'Phone' },
  { id: 'history', label: 'History' },
  { id: 'accounts', label: 'Accounts' },
  { id: 'certificates', label: 'Certificates' },
  { id: 'settings', label: 'Settings' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export const useNavigationStore = defineStore('navigation', () => {
  const current = ref<ViewId>('phone');
  function go(view: ViewId): void {
    current.value = view;
  }
  return { current, go };
});
