import { defineStore } from 'pinia';
import { ref } from 'vue';

export const VIEWS = [
  { id: 'phone', label: 'Phone', icon: '☎' },
  { id: 'history', label: 'History', icon: '🕘' },
  { id: 'accounts', label: 'Accounts', icon: '👤' },
  { id: 'certificates', label: 'Certificates', icon: '🔒' },
  { id: 'settings', label: 'Settings', icon: '⚙' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export const useNavigationStore = defineStore('navigation', () => {
  const current = ref<ViewId>('phone');
  function go(view: ViewId): void {
    current.value = view;
  }
  return { current, go };
});
