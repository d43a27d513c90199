import type { Event } from '../base/event.js';
import type { Result } from '../base/result.js';
import type { ContractShape, EventPayload, RequestParsed, ResponseOf } from '../../src-shared/ipc/define.js';
import type { Problem } from '../../src-shared/ipc/errors.js';

/** Who is calling, as established by the carrier before dispatch. */
export interface CallContext {
  readonly carrier: 'electron' | 'websocket';
  /** Carrier-specific sender id (webContents id or WebSocket connection number), for logs. */
  readonly senderId: string;
}

/** What a handler gives back: the response, or a problem with a code from the closed list. */
export type HandlerResult<T> = Result<T, Problem> | Promise<Result<T, Problem>>;

/** One handler per request channel; the payload has already passed the schema. */
export type RequestHandlers<C extends ContractShape> = {
  readonly [D in keyof C['requests']]: {
    readonly [N in keyof C['requests'][D]]: (payload: RequestParsed<C['requests'][D][N]>, ctx: CallContext) => HandlerResult<ResponseOf<C['requests'][D][N]>>;
  };
};

/** One event source per event channel. */
export type EventSources<C extends ContractShape> = {
  readonly [D in keyof C['events']]: {
    readonly [N in keyof C['events'][D]]: Event<EventPayload<C['events'][D][N]>>;
  };
};

export interface Bindings<C extends ContractShape> {
  readonly requests: RequestHandlers<C>;
  readonly events: EventSources<C>;
}
