import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { connectBridge, setApi } from './bridge';
import { useAppStore } from './stores/app';
import { useDialerStore } from './stores/dialer';
import { useSettingsStore } from './stores/settings';
import './styles/theme.css';

async function boot(): Promise<void> {
  const app = createApp(App);
  app.use(createPinia());
  try {
    setApi(await connectBridge());
    await useSettingsStore().init();
    useDialerStore().init();
    void useAppStore().load();
  } catch (e) {
    document.body.dataset.bootError = e instanceof Error ? e.message : String(e);
  }
  app.mount('#app');
}

void boot();
