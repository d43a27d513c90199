/// <reference types="vite/client" />
import type { SoftphoneApi } from '../src-shared/ipc/client';

declare global {
  interface Window {
    /** Exposed by the preload in the desktop app; absent in a plain browser (WebSocket bridge). */
    readonly softphone?: SoftphoneApi;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
