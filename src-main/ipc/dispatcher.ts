import * as v from 'valibot';
import { DisposableStore, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import type { Result } from '../base/result.js';
import type { AnySchema, ContractShape } from '../../src-shared/ipc/define.js';
import { listChannels } from '../../src-shared/ipc/define.js';
import type { IpcEnvelope, Problem } from '../../src-shared/ipc/errors.js';
import { isErrorCode } from '../../src-shared/ipc/errors.js';
import { problem } from '../services/problems/problem-catalog.js';
import type { Bindings, CallContext } from './bindings-types.js';
import type { Event } from '../base/event.js';

type AnyHandler = (payload: unknown, ctx: CallContext) => Result<unknown, Problem> | Promise<Result<unknown, Problem>>;

interface RequestRoute {
  readonly schema: AnySchema;
  readonly response: AnySchema;
  readonly handler: AnyHandler;
}

interface EventRoute {
  readonly schema: AnySchema;
  readonly source: Event<unknown>;
}

/**
 * Main's side of the contract, shared by every carrier: validates each payload against the
 * channel's schema before any handler runs, and every response and event against its schema
 * before it leaves (what goes out is the schema's output: a field the schema does not name, a
 * secret added by mistake included, is dropped). Failures become typed error envelopes with a
 * code from the closed list; anything thrown is a bug, logged, and answered `internal`.
 * Carriers check the sender first (DESIGN.md rule 2), then call `dispatch`.
 */
export class IpcDispatcher<C extends ContractShape = ContractShape> {
  private readonly routes = new Map<string, RequestRoute>();
  private readonly eventRoutes = new Map<string, EventRoute>();

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
        this.routes.set(entry.channel, { schema: entry.spec.request, response: entry.spec.response, handler });
      } else {
        const source = events[entry.domain]?.[entry.name];
        if (typeof source !== 'function') throw new Error(`no event source bound for ${entry.channel}`);
        this.eventRoutes.set(entry.channel, { schema: entry.spec.payload, source });
      }
    }
  }

  get requestChannels(): string[] {
    return [...this.routes.keys()];
  }

  get eventChannels(): string[] {
    return [...this.eventRoutes.keys()];
  }

  /** Validates and runs one request. Never throws: every outcome is an envelope. */
  async dispatch(channel: unknown, payload: unknown, ctx: CallContext): Promise<IpcEnvelope<unknown>> {
    const route = typeof channel === 'string' ? this.routes.get(channel) : undefined;
    if (route === undefined) {
      this.logger.warn('request on unknown channel', { channel: String(channel).slice(0, 80), sender: ctx.senderId });
      return fail(problem('unknown-channel'));
    }
    // Every request payload is an object (valibot's object schemas would take an array for one).
    if (Array.isArray(payload)) return this.refused(String(channel), ctx, 'an object is expected, not an array');
    const parsed = v.safeParse(route.schema, payload);
    if (!parsed.success) return this.refused(String(channel), ctx, v.summarize(parsed.issues));
    let result: Result<unknown, Problem>;
    try {
      result = await route.handler(parsed.output, ctx);
    } catch (e) {
      this.logger.error('request handler failed', { channel, error: e });
      return fail(problem('internal'));
    }
    if (!result.ok) return fail(isErrorCode(result.error.code) ? result.error : problem('internal'));
    const out = v.safeParse(route.response, result.value);
    if (!out.success) {
      this.logger.error('response does not match its schema (not sent)', { channel, issues: v.summarize(out.issues).slice(0, 500) });
      return fail(problem('internal'));
    }
    return { ok: true, value: out.output };
  }

  private refused(channel: string, ctx: CallContext, issues: string): IpcEnvelope<never> {
    this.logger.warn('request payload rejected by schema', { channel, sender: ctx.senderId, issues: issues.slice(0, 500) });
    return fail(problem('invalid-payload', { channel, issues: issues.slice(0, 500) }));
  }

  /** Subscribes to every event source and forwards `(channel, payload)`, checked against its schema, to a carrier. */
  forwardEvents(forward: (channel: string, payload: unknown) => void): Disposable {
    const store = new DisposableStore();
    for (const [channel, route] of this.eventRoutes) {
      store.add(
        route.source((payload) => {
          const out = v.safeParse(route.schema, payload);
          if (!out.success) {
            this.logger.error('event does not match its schema (not sent)', { channel, issues: v.summarize(out.issues).slice(0, 500) });
            return;
          }
          forward(channel, out.output);
        }),
      );
    }
    return store;
  }
}

function fail(error: Problem): IpcEnvelope<never> {
  return { ok: false, error };
}
