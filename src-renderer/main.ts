import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { connectBridge, setApi } from './bridge';
import { createSoftphoneI18n } from './i18n';
import { startStores } from './stores/start';
import './styles/theme.css';

async function boot(): Promise<void> {
  const app = createApp(App);
  app.use(createPinia());
  app.use(createSoftphoneI18n(navigator.language.startsWith('en') ? 'en' : 'en'));
  try {
    setApi(await connectBridge());
    await startStores();
  } catch (e) {
    document.body.dataset.bootError = e instanceof Error ? e.message : String(e);
  }
  app.mount('#app');
  // First paint of the real UI, for `npm run bench -- ui`.
  requestAnimationFrame(() => performance.mark('softphone:first-paint'));
}

void boot();
