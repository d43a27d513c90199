import type { Contract } from './contract.js';
import type { ContractShape, EventPayload, RequestInput, ResponseOf } from './define.js';
import { channelName } from './define.js';
import type { IpcEnvelope } from './errors.js';
import { IpcError } from './errors.js';

/** What a carrier must provide to the client side (Electron's ipcRenderer or the WebSocket). */
export interface ClientTransport {
  invoke(channel: string, payload: unknown): Promise<IpcEnvelope<unknown>>;
  /** Subscribes to an event channel; returns the unsubscribe function. */
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

export type RequestApi<C extends ContractShape> = {
  readonly [D in keyof C['requests']]: {
    readonly [N in keyof C['requests'][D]]: (payload: RequestInput<C['requests'][D][N]>) => Promise<ResponseOf<C['requests'][D][N]>>;
  };
};

export type EventApi<C extends ContractShape> = {
  readonly [D in keyof C['events']]: {
    readonly [N in keyof C['events'][D]]: (listener: (payload: EventPayload<C['events'][D][N]>) => void) => () => void;
  };
};

/** The API object the renderer sees: `api.requests.app.getInfo({})`, `api.events.dialer.dialRequested(cb)`. */
export interface SoftphoneApi<C extends ContractShape = Contract> {
  readonly requests: RequestApi<C>;
  readonly events: EventApi<C>;
}

/** The global name under which the preload exposes the API (`window.softphone`). */
export const API_GLOBAL_NAME = 'softphone';

/**
 * Builds the client API from the contract. Used by the preload (over ipcRenderer) and by the
 * renderer's WebSocket carrier, so both expose exactly the contract's channels. Error envelopes
 * become rejected promises carrying an `IpcError` with the typed code.
 */
export function createClientApi<C extends ContractShape>(contract: C, transport: ClientTransport): SoftphoneApi<C> {
  const requests: Record<string, Record<string, (payload: unknown) => Promise<unknown>>> = {};
  for (const [domain, group] of Object.entries(contract.requests)) {
    const methods: Record<string, (payload: unknown) => Promise<unknown>> = {};
    for (const name of Object.keys(group)) {
      const channel = channelName('request', domain, name);
      methods[name] = async (payload: unknown) => {
        const envelope = await transport.invoke(channel, payload);
        if (envelope.ok) return envelope.value;
        throw new IpcError(envelope.error);
      };
    }
    requests[domain] = Object.freeze(methods);
  }
  const events: Record<string, Record<string, (listener: (payload: unknown) => void) => () => void>> = {};
  for (const [domain, group] of Object.entries(contract.events)) {
    const subs: Record<string, (listener: (payload: unknown) => void) => () => void> = {};
    for (const name of Object.keys(group)) {
      const channel = channelName('event', domain, name);
      subs[name] = (listener) => transport.subscribe(channel, listener);
    }
    events[domain] = Object.freeze(subs);
  }
  return Object.freeze({
    requests: Object.freeze(requests),
    events: Object.freeze(events),
  }) as unknown as SoftphoneApi<C>;
}
