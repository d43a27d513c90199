import type * as v from 'valibot';

/** Any valibot schema (the contract's runtime half; types are inferred from it). */
export type AnySchema = v.GenericSchema<unknown, unknown>;

/** A request → response call, renderer → main. */
export interface RequestSpec<Req extends AnySchema = AnySchema, Res extends AnySchema = AnySchema> {
  readonly kind: 'request';
  readonly request: Req;
  readonly response: Res;
  /** One line for humans: what the call does (also used by the contract listing). */
  readonly summary: string;
}

/** An event pushed main → renderer. */
export interface EventSpec<P extends AnySchema = AnySchema> {
  readonly kind: 'event';
  readonly payload: P;
  readonly summary: string;
}

export type RequestGroup = Readonly<Record<string, RequestSpec>>;
export type EventGroup = Readonly<Record<string, EventSpec>>;

export interface ContractShape {
  readonly requests: Readonly<Record<string, RequestGroup>>;
  readonly events: Readonly<Record<string, EventGroup>>;
}

export function request<Req extends AnySchema, Res extends AnySchema>(
  requestSchema: Req,
  response: Res,
  summary: string,
): RequestSpec<Req, Res> {
  return { kind: 'request', request: requestSchema, response, summary };
}

export function event<P extends AnySchema>(payload: P, summary: string): EventSpec<P> {
  return { kind: 'event', payload, summary };
}

export type RequestInput<S> = S extends RequestSpec<infer Req, AnySchema> ? v.InferInput<Req> : never;
export type RequestParsed<S> = S extends RequestSpec<infer Req, AnySchema> ? v.InferOutput<Req> : never;
export type ResponseOf<S> = S extends RequestSpec<AnySchema, infer Res> ? v.InferOutput<Res> : never;
export type EventPayload<S> = S extends EventSpec<infer P> ? v.InferOutput<P> : never;

/** The wire name of a channel. The only place channel-name strings are made. */
export function channelName(kind: 'request' | 'event', domain: string, name: string): string {
  return `${kind === 'request' ? 'rpc' : 'evt'}:${domain}.${name}`;
}

export interface ChannelEntry {
  readonly kind: 'request' | 'event';
  readonly domain: string;
  readonly name: string;
  readonly channel: string;
  readonly spec: RequestSpec | EventSpec;
}

/** Every channel of a contract, flat, for carriers, tests and documentation. */
export function listChannels(contract: ContractShape): ChannelEntry[] {
  const out: ChannelEntry[] = [];
  for (const [domain, group] of Object.entries(contract.requests)) {
    for (const [name, spec] of Object.entries(group)) {
      out.push({ kind: 'request', domain, name, channel: channelName('request', domain, name), spec });
    }
  }
  for (const [domain, group] of Object.entries(contract.events)) {
    for (const [name, spec] of Object.entries(group)) {
      out.push({ kind: 'event', domain, name, channel: channelName('event', domain, name), spec });
    }
  }
  return out;
}
