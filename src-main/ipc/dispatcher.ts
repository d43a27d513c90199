import * as v from 'valibot';
import { DisposableStore, type Disposable } from '../base/disposable.js';
import { Failure } from '../base/failure.js';
import type { Logger } from '../base/logger.js';
import type { AnySchema, ContractShape } from '../../src-shared/ipc/define.js';
import { listChannels } from '../../src-shared/ipc/define.js';
import type { IpcEnvelope, IpcErrorPayload } from '../../src-shared/ipc/errors.js';
import { isIpcErrorCode } from '../../src-shared/ipc/errors.js';
import type { Bindings, CallContext } from './bindings-types.js';
import type { Event } from '../base/event.js';

type AnyHandler = (payload: unknown, ctx: CallContext) => unknown;

interface RequestRoute {
  readonly schema: AnySchema;
  readonly handler: AnyHandler;
}

/**
 * Main's side of the contract, shared by every carrier: validates each payload against the
 * channel's schema before any handler runs, turns failures into typed error envelopes, and
 * fans out events. Carriers check the sender first (DESIGN.md rule 2), then call `dispatch`.
 */
export class IpcDispatcher<C extends ContractShape = ContractShape> {
  private readonly routes = new Map<string, RequestRoute>();
  private readonly eventSources = new Map<string, Event<unknown>>();

  constructor(
    contract: C,
    bindings: Bindings<C>,
    private readonly logger: Logger,
  ) {
    const requests = bindings.requests as Readonly<Record<string, Readonly<Record<string, AnyHandler | undefined>>>>;
    const events = bindings.events as Readonly<Record<string, Readonly<Record<string, Event<unknown> | undefined>>>>;
    for (const entry of listChannels(contract)) {
      if (entry.spec.kind === 'request') {
        const handler = requests[entry.domain]?.[entry.name];
        if (typeof handler !== 'function') throw new Error(`no handler bound for ${entry.channel}`);
        this.routes.set(entry.channel, { schema: entry.spec.request, handler });
      } else {
        const source = events[entry.domain]?.[entry.name];
        if (typeof source !== 'function') throw new Error(`no event source bound for ${entry.channel}`);
        this.eventSources.set(entry.channel, source);
      }
    }
  }

  get requestChannels(): string[] {
    return [...this.routes.keys()];
  }

  get eventChannels(): string[] {
    return [...this.eventSources.keys()];
  }

  /** Validates and runs one request. Never throws: every outcome is an envelope. */
  async dispatch(channel: unknown, payload: unknown, ctx: CallContext): Promise<IpcEnvelope<unknown>> {
    const route = typeof channel === 'string' ? this.routes.get(channel) : undefined;
    if (route === undefined) {
      this.logger.warn('request on unknown channel', { channel: String(channel).slice(0, 80), sender: ctx.senderId });
      return fail({ code: 'unknown-channel', message: 'There is no such request channel.' });
    }
    const parsed = v.safeParse(route.schema, payload);
    if (!parsed.success) {
      const summary = v.summarize(parsed.issues);
      this.logger.warn('request payload rejected by schema', { channel, sender: ctx.senderId, issues: summary });
      return fail({ code: 'invalid-payload', message: 'The request was not understood (invalid payload).', detail: { channel: String(channel), issues: summary.slice(0, 500) } });
    }
    try {
      const value = await route.handler(parsed.output, ctx);
      return { ok: true, value };
    } catch (e) {
      return fail(this.toErrorPayload(e, String(channel)));
    }
  }

  /** Subscribes to every event source and forwards `(channel, payload)` to a carrier. */
  forwardEvents(forward: (channel: string, payload: unknown) => void): Disposable {
    const store = new DisposableStore();
    for (const [channel, source] of this.eventSources) {
      store.add(source((payload) => forward(channel, payload)));
    }
    return store;
  }

  private toErrorPayload(e: unknown, channel: string): IpcErrorPayload {
    if (e instanceof Failure && isIpcErrorCode(e.code)) {
      return e.detail === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, detail: e.detail };
    }
    this.logger.error('request handler failed', { channel, error: e });
    return { code: 'internal', message: 'Something went wrong inside the app. Details are in the log.' };
  }
}

function fail(error: IpcErrorPayload): IpcEnvelope<never> {
  return { ok: false, error };
}
