import { contract } from '../../src-shared/ipc/contract';
import { createClientApi, type SoftphoneApi } from '../../src-shared/ipc/client';
import { connectWebSocketTransport } from './websocket-transport';

/**
 * The only code in the renderer that touches a carrier (DESIGN.md rule 13). In the desktop app
 * the preload has exposed `window.softphone`; in a plain browser served by the loopback bridge,
 * the page URL carries `#token=…` and the same API is built over a WebSocket.
 */
export async function connectBridge(): Promise<SoftphoneApi> {
  if (window.softphone !== undefined) return window.softphone;
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token === null) throw new Error('No softphone service: open the app, or the URL printed by `npm run web`.');
  const wsUrl = `${window.location.origin.replace(/^http/, 'ws')}/ipc?token=${encodeURIComponent(token)}`;
  return createClientApi(contract, await connectWebSocketTransport(wsUrl));
}

let api: SoftphoneApi | undefined;

export function setApi(value: SoftphoneApi): void {
  api = value;
}

/** The connected API; stores call this. */
export function useApi(): SoftphoneApi {
  if (api === undefined) throw new Error('bridge not connected yet');
  return api;
}
