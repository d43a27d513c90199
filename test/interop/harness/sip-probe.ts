/**
 * Hand-written SIP exchanges on top of SipStreamClient for harness tests: REGISTER with digest,
 * requests that answer a 401/407 challenge, responses to received requests, and in-dialog
 * requests that follow Record-Route. Enough to prove the peers route correctly before our user
 * agent exists; not a user agent.
 */
import { digestAuthorization, parseDigestChallenge } from './sip-digest.js';
import { buildRequest, sipToken, type ReceivedSipMessage, type RequestSpec, type SipStreamClient } from './sip-stream-client.js';

export interface ProbeIdentity {
  readonly user: string;
  readonly password: string;
  readonly domain: string;
}

/**
 * Sends `spec`; on 401/407 answers the digest challenge once and returns the final response of
 * the retry (the challenge response is returned in `challenge`).
 */
export async function requestWithAuth(
  client: SipStreamClient,
  spec: RequestSpec,
  identity: ProbeIdentity,
  timeoutMs = 5000,
): Promise<{ final: ReceivedSipMessage; challenge?: ReceivedSipMessage; provisional: ReceivedSipMessage[] }> {
  const provisional: ReceivedSipMessage[] = [];
  const fromTag = spec.fromTag ?? sipToken(4);
  const first = await client.request(buildRequest({ ...spec, fromTag }), timeoutMs, provisional);
  if (first.status !== 401 && first.status !== 407) return { final: first, provisional };
  if (spec.method === 'INVITE') {
    // RFC 3261 §17.1.1.3: the ACK for a non-2xx final response is hop-by-hop, same branch.
    client.send(ackForNon2xx(first, spec));
  }
  const header = first.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
  const value = first.header(header);
  if (value === undefined) throw new Error(`${first.status} without ${header}`);
  const authorization = digestAuthorization({
    challenge: parseDigestChallenge(value),
    method: spec.method,
    uri: spec.uri,
    username: identity.user,
    password: identity.password,
  });
  const retry = buildRequest({
    ...spec,
    fromTag,
    cseq: spec.cseq + 1,
    branch: sipToken(),
    extraHeaders: [...(spec.extraHeaders ?? []), `${first.status === 401 ? 'Authorization' : 'Proxy-Authorization'}: ${authorization}`],
  });
  const final = await client.request(retry, timeoutMs, provisional);
  return { final, challenge: first, provisional };
}

function ackForNon2xx(response: ReceivedSipMessage, spec: RequestSpec): string {
  const via = response.header('via') ?? '';
  return [
    `ACK ${spec.uri} SIP/2.0`,
    `Via: ${via}`,
    `Max-Forwards: 70`,
    `From: ${response.header('from') ?? ''}`,
    `To: ${response.header('to') ?? ''}`,
    `Call-ID: ${response.header('call-id') ?? ''}`,
    `CSeq: ${spec.cseq} ACK`,
    `Content-Length: 0`,
    '',
    '',
  ].join('\r\n');
}

/** REGISTER `identity` over `client` (digest auth included); returns the final response. */
export async function registerProbe(
  client: SipStreamClient,
  identity: ProbeIdentity,
  options: { expires?: number; contact?: string; callId?: string; cseq?: number } = {},
): Promise<{ final: ReceivedSipMessage; challenge?: ReceivedSipMessage }> {
  const aor = `<sip:${identity.user}@${identity.domain}>`;
  const transport = client.transport;
  const contact = options.contact ?? `<sip:${identity.user}@${client.sentBy};transport=${transport}>`;
  const { final, challenge } = await requestWithAuth(
    client,
    {
      method: 'REGISTER',
      uri: `sip:${identity.domain}`,
      client,
      from: aor,
      to: aor,
      callId: options.callId ?? sipToken(),
      cseq: options.cseq ?? 1,
      extraHeaders: [`Contact: ${contact}`, `Expires: ${options.expires ?? 300}`],
    },
    identity,
  );
  return challenge === undefined ? { final } : { final, challenge };
}

/** A response to a received request (Via, From, To, Call-ID, CSeq, Record-Route copied). */
export function buildResponse(
  request: ReceivedSipMessage,
  status: number,
  reason: string,
  options: { toTag?: string; contact?: string; body?: string; extraHeaders?: readonly string[] } = {},
): string {
  const headers: string[] = [`SIP/2.0 ${status} ${reason}`];
  for (const v of request.headers.get('via') ?? []) headers.push(`Via: ${v}`);
  for (const v of request.headers.get('record-route') ?? []) headers.push(`Record-Route: ${v}`);
  const to = request.header('to') ?? '';
  headers.push(`From: ${request.header('from') ?? ''}`);
  headers.push(`To: ${options.toTag !== undefined && !/;\s*tag=/i.test(to) ? `${to};tag=${options.toTag}` : to}`);
  headers.push(`Call-ID: ${request.header('call-id') ?? ''}`);
  headers.push(`CSeq: ${request.header('cseq') ?? ''}`);
  if (options.contact !== undefined) headers.push(`Contact: ${options.contact}`);
  headers.push(...(options.extraHeaders ?? []));
  const body = options.body ?? '';
  if (body !== '') headers.push('Content-Type: application/sdp');
  headers.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return headers.join('\r\n');
}

/** What a UAC needs from a 2xx to send in-dialog requests (RFC 3261 §12.1.2). */
export interface UacDialog {
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  readonly remoteTarget: string;
  readonly routeSet: readonly string[];
}

export function uacDialogFrom2xx(response: ReceivedSipMessage): UacDialog {
  const contact = response.header('contact') ?? '';
  const target = /<([^>]+)>/.exec(contact)?.[1] ?? contact.split(';')[0] ?? '';
  const rr = (response.headers.get('record-route') ?? []).flatMap((v) => v.split(/,(?=\s*<)/).map((s) => s.trim()));
  return {
    callId: response.header('call-id') ?? '',
    from: response.header('from') ?? '',
    to: response.header('to') ?? '',
    remoteTarget: target,
    routeSet: rr.reverse(),
  };
}

/** An in-dialog request (ACK for 2xx, BYE, INFO, ...) following the dialog's route set. */
export function buildInDialogRequest(client: SipStreamClient, dialog: UacDialog, method: string, cseq: number, body = ''): string {
  const lines = [
    `${method} ${dialog.remoteTarget} SIP/2.0`,
    `Via: ${client.viaTransport} ${client.sentBy};rport;branch=z9hG4bK${sipToken()}`,
    `Max-Forwards: 70`,
    ...dialog.routeSet.map((r) => `Route: ${r}`),
    `From: ${dialog.from}`,
    `To: ${dialog.to}`,
    `Call-ID: ${dialog.callId}`,
    `CSeq: ${cseq} ${method}`,
    ...(body !== '' ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

/** A plausible SDES-SRTP audio offer/answer on loopback (RFC 4568), for probes only. */
export function sdesSdp(port: number, sessionId = Date.now() % 1_000_000): string {
  return [
    'v=0',
    `o=probe ${sessionId} 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/SAVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz',
    'a=sendrecv',
    '',
  ].join('\r\n');
}
