/**
 * Request-URI and Route for requests within a dialog, RFC 3261 §12.2.1.1 (and §16.12.1.2 for the
 * strict-routing compatibility case): loose routing when the first route has `lr`; otherwise the
 * first route becomes the Request-URI and the remote target goes last in Route.
 */
import type { NameAddr } from '../message/name-addr.js';
import type { SipUri, Uri } from '../message/uri.js';

export interface RouteDecision {
  readonly requestUri: Uri;
  readonly route: readonly NameAddr[];
}

/** Parameters not allowed in a Request-URI (RFC 3261 §19.1.1 table): method, and no escaped headers. */
function asRequestUri(uri: Uri): Uri {
  if (uri.kind !== 'sip') return uri;
  const sip: SipUri = { ...uri, params: uri.params.filter((p) => p.name.toLowerCase() !== 'method'), headers: [] };
  return sip;
}

export function isLooseRoute(route: NameAddr): boolean {
  return route.uri.kind === 'sip' && route.uri.params.some((p) => p.name.toLowerCase() === 'lr');
}

export function routeRequest(routeSet: readonly NameAddr[], remoteTarget: Uri): RouteDecision {
  const first = routeSet[0];
  if (first === undefined) return { requestUri: asRequestUri(remoteTarget), route: [] };
  if (isLooseRoute(first)) return { requestUri: asRequestUri(remoteTarget), route: routeSet };
  // Strict router: Request-URI = first route (params not allowed there stripped), Route = the rest + remote target.
  return {
    requestUri: asRequestUri(first.uri),
    route: [...routeSet.slice(1), { displayName: undefined, uri: remoteTarget, params: [] }],
  };
}
