/**
 * Where a server transaction sends its responses: RFC 3261 §18.2.2 with RFC 3581 §4 (rport), and the
 * Via stamping a server transport does on receipt (RFC 3261 §18.2.1: `received`; RFC 3581 §4: `rport`).
 */
import { hostAddress } from '../message/host.js';
import type { SipRequest } from '../message/message.js';
import { getParam, withParam } from '../message/parameters.js';
import { formatVia, type Via } from '../message/via.js';
import type { TransportAddress } from './transport-port.js';

/** Adds received= (when sent-by differs from the source) and fills a valueless rport (RFC 3581 §4). */
export function stampTopVia(request: SipRequest, source: TransportAddress): void {
  const vias = request.headers.via();
  const top = vias[0];
  if (top === undefined) return;
  let params = top.params;
  let received = top.received;
  let rport = top.rport;
  if (hostAddress(top.host) !== hostAddress(source.host) || top.rport === null) {
    params = withParam(params, 'received', source.host); // RFC 5118 §4.5: IPv6 without brackets
    received = source.host;
  }
  if (top.rport === null) {
    params = withParam(params, 'rport', String(source.port));
    rport = source.port;
  }
  if (params === top.params) return;
  const stamped: Via = { ...top, params, received, rport };
  replaceTopVia(request, stamped);
}

function replaceTopVia(request: SipRequest, top: Via): void {
  const h = request.headers;
  const fields = h.getAll('via');
  const firstCount = countViasIn(fields[0] ?? '');
  const all = h.via();
  const firstField = [top, ...all.slice(1, firstCount)].map(formatVia).join(', ');
  h.setAllRaw('Via', [firstField, ...fields.slice(1)]);
}

/** How many via-parms a Via field value holds (commas outside quotes and brackets). */
function countViasIn(value: string): number {
  let n = 1;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) n++;
  }
  return n;
}

/** §18.2.2: the same connection when reliable; else maddr, else received/rport, else sent-by. */
export function responseDestination(topVia: Via, source: TransportAddress, reliable: boolean): TransportAddress {
  if (reliable) return source;
  const maddr = getParam(topVia.params, 'maddr');
  if (typeof maddr === 'string') return { transport: source.transport, host: hostAddress(maddr), port: topVia.port ?? 5060 };
  const host = topVia.received ?? hostAddress(topVia.host);
  const port = typeof topVia.rport === 'number' ? topVia.rport : (topVia.port ?? 5060);
  return { transport: source.transport, host, port };
}
