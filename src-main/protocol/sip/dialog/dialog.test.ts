/**
 * RFC 3261 §12 dialogs (with §13.2.2.4 ACK for 2xx, §14 target refresh, §15 BYE). DIALOG_TRANSITIONS
 * names every state transition with its RFC section; each row is a test, and the last test checks
 * the observed transitions are exactly the table. Route set cases follow §12.1.1, §12.1.2, §12.2.1.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../../test/fakes/fake-rng.js';
import { createRequest, createResponse } from '../message/builders.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/message.js';
import { parseNameAddr, tagOf, type NameAddr } from '../message/name-addr.js';
import { parseMessage } from '../message/parser.js';
import { serializeMessage } from '../message/serializer.js';
import { formatUri, sipUri, type Uri } from '../message/uri.js';
import { createVia } from '../message/via.js';
import { generateBranch } from '../transaction/transaction-key.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import type { TransportAddress, TransportPort } from '../transaction/transport-port.js';
import { Dialog, type DialogState } from './dialog.js';
import { dialogIdOfRequest, dialogIdOfResponse, dialogKey } from './dialog-id.js';
import { routeRequest } from './route-set.js';

const rng = new FakeRng(7);
const via = (): ReturnType<typeof createVia> => createVia({ transport: 'TLS', host: 'alice-pc.example.com', port: 5061, branch: generateBranch(rng) });
const na = (s: string): NameAddr => parseNameAddr(s)!;
const aliceContact = na('<sip:alice@192.0.2.101:5061;transport=tls>');
const bobContact = na('<sip:bob@198.51.100.20:5061;transport=tls>');

function invite(extra: Array<[string, string]> = []): SipRequest {
  return createRequest({
    method: 'INVITE',
    uri: sipUri({ user: 'bob', host: 'biloxi.example.com' }),
    via: [via()],
    from: na('"Alice" <sip:alice@atlanta.example.com>;tag=alicetag'),
    to: na('<sip:bob@biloxi.example.com>'),
    callId: 'dlg-1@atlanta.example.com',
    cseq: 101,
    contact: [aliceContact],
    headers: extra,
  });
}

function answer(req: SipRequest, status: number, opts: { tag?: string; contact?: NameAddr | null } = {}): SipResponse {
  const contact = opts.contact === null ? undefined : [opts.contact ?? bobContact];
  return createResponse(req, status, undefined, { toTag: opts.tag ?? 'bobtag', contact });
}

const observed = new Set<string>();
function watch(d: Dialog | undefined): Dialog {
  if (d === undefined) throw new Error('no dialog');
  observed.add(`(new)->${d.state}`);
  d.onStateChange((c) => observed.add(`${c.from}->${c.to}`));
  return d;
}

const uriText = (u: Uri): string => formatUri(u);

const DIALOG_TRANSITIONS: ReadonlyArray<{ from: DialogState | '(new)'; to: DialogState; event: string; rfc: string; run: () => void }> = [
  { from: '(new)', to: 'Early', event: 'UAC: 1xx with a To tag and Contact', rfc: '§12.1.2', run: () => {
    const req = invite();
    const d = watch(Dialog.fromResponse(req, answer(req, 180)));
    expect([d.state, d.role, d.id]).toEqual(['Early', 'uac', { callId: 'dlg-1@atlanta.example.com', localTag: 'alicetag', remoteTag: 'bobtag' }]);
    expect([d.localSeq, d.remoteSeq]).toEqual([101, undefined]);
  } },
  { from: '(new)', to: 'Confirmed', event: 'UAC: 2xx', rfc: '§12.1.2', run: () => {
    const req = invite();
    const d = watch(Dialog.fromResponse(req, answer(req, 200)));
    expect(d.state).toBe('Confirmed');
    expect(uriText(d.remoteTarget)).toBe('sip:bob@198.51.100.20:5061;transport=tls');
    expect(uriText(d.remoteUri)).toBe('sip:bob@biloxi.example.com');
  } },
  { from: '(new)', to: 'Early', event: 'UAS: sends 1xx with a To tag', rfc: '§12.1.1', run: () => {
    const req = invite();
    const d = watch(Dialog.fromRequest(req, answer(req, 183)));
    expect([d.state, d.role, d.id.localTag, d.id.remoteTag, d.remoteSeq, d.localSeq]).toEqual(['Early', 'uas', 'bobtag', 'alicetag', 101, undefined]);
    expect(uriText(d.remoteTarget)).toBe('sip:alice@192.0.2.101:5061;transport=tls');
  } },
  { from: '(new)', to: 'Confirmed', event: 'UAS: sends 2xx', rfc: '§12.1.1', run: () => {
    const req = invite();
    expect(watch(Dialog.fromRequest(req, answer(req, 200))).state).toBe('Confirmed');
  } },
  { from: 'Early', to: 'Confirmed', event: 'UAC: 2xx to the INVITE; route set recomputed, target refreshed', rfc: '§13.2.2.4', run: () => {
    const req = invite();
    const early = answer(req, 180, { contact: na('<sip:bob@early.example.com>') });
    early.headers.append('Record-Route', '<sip:p-early.example.com;lr>');
    const d = watch(Dialog.fromResponse(req, early));
    const ok = answer(req, 200);
    ok.headers.append('Record-Route', '<sip:p2.example.com;lr>, <sip:p1.example.com;lr>');
    d.receiveResponse(req, ok);
    expect(d.state).toBe('Confirmed');
    expect(d.routeSet.map((r) => uriText(r.uri))).toEqual(['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
    expect(uriText(d.remoteTarget)).toBe('sip:bob@198.51.100.20:5061;transport=tls');
  } },
  { from: 'Early', to: 'Confirmed', event: 'UAS: sends 2xx to the INVITE', rfc: '§13.3.1.4', run: () => {
    const req = invite();
    const d = watch(Dialog.fromRequest(req, answer(req, 180)));
    d.sentResponse(req, answer(req, 200));
    expect(d.state).toBe('Confirmed');
  } },
  { from: 'Early', to: 'Terminated', event: 'UAC: non-2xx final response to the INVITE', rfc: '§13.2.2.3', run: () => {
    const req = invite();
    const d = watch(Dialog.fromResponse(req, answer(req, 180)));
    d.receiveResponse(req, answer(req, 486));
    expect(d.state).toBe('Terminated');
  } },
  { from: 'Early', to: 'Terminated', event: 'UAS: sends a non-2xx final response', rfc: '§13.3.1.3', run: () => {
    const req = invite();
    const d = watch(Dialog.fromRequest(req, answer(req, 180)));
    d.sentResponse(req, answer(req, 603));
    expect(d.state).toBe('Terminated');
  } },
  { from: 'Confirmed', to: 'Terminated', event: 'BYE received', rfc: '§15.1.2', run: () => {
    const req = invite();
    const d = watch(Dialog.fromRequest(req, answer(req, 200)));
    const bye = createRequest({ method: 'BYE', uri: req.uri, via: [via()], from: req.headers.from()!, to: { ...req.headers.to()!, params: [{ name: 'tag', value: 'bobtag' }] }, callId: req.headers.callId()!, cseq: 102 });
    expect(d.receiveRequest(bye)).toBe('accepted');
    expect(d.state).toBe('Terminated');
  } },
  { from: 'Confirmed', to: 'Terminated', event: 'our BYE answered (or terminate() when it is sent)', rfc: '§15.1.1', run: () => {
    const req = invite();
    const d = watch(Dialog.fromResponse(req, answer(req, 200)));
    const bye = d.createRequest('BYE', { via: via() });
    d.receiveResponse(bye, createResponse(bye, 200));
    expect(d.state).toBe('Terminated');
    expect(() => d.createRequest('INFO', { via: via() })).toThrow(/terminated/);
  } },
  { from: 'Confirmed', to: 'Terminated', event: '481 to a request in the dialog', rfc: '§12.2.1.2', run: () => {
    const req = invite();
    const d = watch(Dialog.fromResponse(req, answer(req, 200)));
    const info = d.createRequest('INFO', { via: via() });
    d.receiveResponse(info, createResponse(info, 481));
    expect(d.state).toBe('Terminated');
  } },
  { from: 'Confirmed', to: 'Terminated', event: '408 to a request in the dialog', rfc: '§12.2.1.2', run: () => {
    const req = invite();
    const d = watch(Dialog.fromResponse(req, answer(req, 200)));
    const upd = d.createRequest('UPDATE', { via: via() });
    d.receiveResponse(upd, createResponse(upd, 408));
    expect(d.state).toBe('Terminated');
  } },
];

describe('RFC 3261 §12 dialog states', () => {
  for (const row of DIALOG_TRANSITIONS) it(`${row.from} → ${row.to}: ${row.event} (${row.rfc})`, row.run);

  it('the tests above observed exactly the transitions in the table', () => {
    const table = new Set(DIALOG_TRANSITIONS.map((r) => `${r.from}->${r.to}`));
    expect([...observed].sort()).toEqual([...table].sort());
  });

  it('creates no dialog from 100, from a response without To tag, or without Contact', () => {
    const req = invite();
    expect(Dialog.fromResponse(req, answer(req, 100))).toBeUndefined();
    expect(Dialog.fromResponse(req, createResponse(req, 180, undefined, { contact: [bobContact] }))).toBeUndefined();
    expect(Dialog.fromResponse(req, answer(req, 200, { contact: null }))).toBeUndefined();
    expect(Dialog.fromResponse(req, answer(req, 486))).toBeUndefined();
  });
});

describe('requests within a dialog (§12.2.1.1, §13.2.2.4)', () => {
  it('UAC: route set is Record-Route reversed; loose routing keeps the remote target as Request-URI', () => {
    const req = invite();
    const ok = answer(req, 200);
    ok.headers.append('Record-Route', '<sip:p2.example.com;lr>');
    ok.headers.append('Record-Route', '<sip:p1.example.com;lr>');
    const d = Dialog.fromResponse(req, ok)!;
    const bye = d.createRequest('BYE', { via: via(), contact: aliceContact });
    expect(uriText(bye.uri)).toBe('sip:bob@198.51.100.20:5061;transport=tls');
    expect(bye.headers.route().map((r) => uriText(r.uri))).toEqual(['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
    expect([tagOf(bye.headers.from()!), tagOf(bye.headers.to()!), bye.headers.callId(), bye.headers.cseq()]).toEqual(['alicetag', 'bobtag', 'dlg-1@atlanta.example.com', { seq: 102, method: 'BYE' }]);
    expect(uriText(d.nextHop())).toBe('sip:p1.example.com;lr');
  });

  it('UAS: route set is Record-Route in order', () => {
    const req = invite([['Record-Route', '<sip:p1.example.com;lr>'], ['Record-Route', '<sip:p2.example.com;lr>']]);
    const d = Dialog.fromRequest(req, answer(req, 200))!;
    expect(d.routeSet.map((r) => uriText(r.uri))).toEqual(['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
    const bye = d.createRequest('BYE', { via: via() }, new FakeRng(3));
    expect(bye.headers.cseq()!.seq).toBeLessThan(2 ** 31);
    expect(bye.headers.cseq()!.seq).toBeGreaterThan(0);
    expect([tagOf(bye.headers.from()!), tagOf(bye.headers.to()!)]).toEqual(['bobtag', 'alicetag']);
  });

  it('strict routing compatibility: first route becomes the Request-URI, remote target the last Route', () => {
    const target = sipUri({ user: 'bob', host: '198.51.100.20' });
    const routes = [na('<sip:strict.example.com;method=INVITE>'), na('<sip:p2.example.com;lr>')];
    const r = routeRequest(routes, target);
    expect(uriText(r.requestUri)).toBe('sip:strict.example.com');
    expect(r.route.map((x) => uriText(x.uri))).toEqual(['sip:p2.example.com;lr', 'sip:bob@198.51.100.20']);
    expect(routeRequest([], target)).toEqual({ requestUri: target, route: [] });
  });

  it('ACK for a 2xx keeps the INVITE CSeq number and takes a new branch', () => {
    const req = invite();
    const d = Dialog.fromResponse(req, answer(req, 200))!;
    const ackVia = via();
    const ack = d.createAck(req, { via: ackVia });
    expect(ack.headers.cseq()).toEqual({ seq: 101, method: 'ACK' });
    expect(ack.headers.topVia()?.branch).toBe(ackVia.branch);
    expect(ack.headers.topVia()?.branch).not.toBe(req.headers.topVia()?.branch);
    expect(d.localSeq).toBe(101);
    expect(() => d.createRequest('ACK', { via: via() })).toThrow();
  });

  it('remote target refresh: re-INVITE received and 2xx to our UPDATE update it (§12.2, RFC 3311)', () => {
    const req = invite();
    const d = Dialog.fromRequest(req, answer(req, 200))!;
    const reinvite = createRequest({ method: 'INVITE', uri: req.uri, via: [via()], from: req.headers.from()!, to: { ...req.headers.to()!, params: [{ name: 'tag', value: 'bobtag' }] }, callId: req.headers.callId()!, cseq: 102, contact: [na('<sip:alice@203.0.113.9:5061;transport=tls>')] });
    d.receiveRequest(reinvite);
    expect(uriText(d.remoteTarget)).toBe('sip:alice@203.0.113.9:5061;transport=tls');
    const upd = d.createRequest('UPDATE', { via: via() }, rng);
    d.receiveResponse(upd, createResponse(upd, 200, undefined, { contact: [na('<sip:alice@203.0.113.10>')] }));
    expect(uriText(d.remoteTarget)).toBe('sip:alice@203.0.113.10');
    expect(d.state).toBe('Confirmed');
  });

  it('rejects requests with a lower CSeq than the remote sequence number (§12.2.2: answer 500)', () => {
    const req = invite();
    const d = Dialog.fromRequest(req, answer(req, 200))!;
    const old = createRequest({ method: 'INFO', uri: req.uri, via: [via()], from: req.headers.from()!, to: req.headers.to()!, callId: req.headers.callId()!, cseq: 100 });
    expect(d.receiveRequest(old)).toBe('out-of-order');
    expect(d.state).toBe('Confirmed');
  });

  it('finds dialogs by Call-ID and tags from either side', () => {
    const req = invite();
    const ok = answer(req, 200);
    const uac = Dialog.fromResponse(req, ok)!;
    expect(dialogKey(dialogIdOfResponse(ok)!)).toBe(uac.key);
    const bye = uac.createRequest('BYE', { via: via() });
    const uas = Dialog.fromRequest(req, ok)!;
    expect(dialogKey(dialogIdOfRequest(bye)!)).toBe(uas.key);
  });
});

/** Two UAs, each with a transaction layer, wired back to back through loopback transports. */
class Loopback implements TransportPort {
  readonly reliable = true;
  peer: TransactionLayer | undefined;
  readonly log: string[] = [];
  constructor(private readonly self: TransportAddress) {}
  send(message: SipMessage, _to: TransportAddress): boolean {
    const wire = parseMessage(serializeMessage(message));
    if (!wire.ok) return false;
    this.log.push(message.kind === 'request' ? message.method : String(message.status));
    queueMicrotask(() => this.peer?.receive(wire.value, this.self));
    return true;
  }
}

const layers: TransactionLayer[] = [];
afterEach(() => {
  for (const l of layers.splice(0)) l.dispose();
});

describe('a call end to end over two transaction layers', () => {
  it('INVITE → 180 → 200 → ACK → BYE → 200 confirms then terminates both dialogs', async () => {
    const clock = new FakeClock();
    const aliceAddr: TransportAddress = { transport: 'TLS', host: '192.0.2.101', port: 5061 };
    const bobAddr: TransportAddress = { transport: 'TLS', host: '198.51.100.20', port: 5061 };
    const aNet = new Loopback(aliceAddr);
    const bNet = new Loopback(bobAddr);
    const alice = new TransactionLayer({ transport: aNet, clock });
    const bob = new TransactionLayer({ transport: bNet, clock });
    layers.push(alice, bob);
    aNet.peer = bob;
    bNet.peer = alice;
    const flush = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    };

    let bobDialog: Dialog | undefined;
    bob.onRequest(({ request, transaction }) => {
      if (request.method === 'INVITE' && transaction.kind === 'invite-server') {
        const ringing = answer(request, 180);
        bobDialog = Dialog.fromRequest(request, ringing);
        transaction.respond(ringing);
        const ok = answer(request, 200);
        bobDialog!.sentResponse(request, ok);
        transaction.respond(ok);
      } else if (request.method === 'BYE') {
        bobDialog!.receiveRequest(request);
        transaction.respond(createResponse(request, 200));
      }
    });
    let acked = false;
    bob.onAck(({ ack }) => {
      acked = bobDialog?.receiveRequest(ack) === 'accepted';
    });

    const req = invite();
    let aliceDialog: Dialog | undefined;
    alice.sendRequest(req, bobAddr, {
      receiveResponse(res) {
        if (aliceDialog === undefined) aliceDialog = Dialog.fromResponse(req, res);
        else aliceDialog.receiveResponse(req, res);
        if (res.status === 200) alice.sendAck(aliceDialog!.createAck(req, { via: via() }), bobAddr);
      },
    });
    await flush();
    expect([aliceDialog?.state, bobDialog?.state, acked]).toEqual(['Confirmed', 'Confirmed', true]);

    const bye = aliceDialog!.createRequest('BYE', { via: via() });
    alice.sendRequest(bye, bobAddr, { receiveResponse: (res) => aliceDialog!.receiveResponse(bye, res) });
    await flush();
    expect([aliceDialog!.state, bobDialog!.state]).toEqual(['Terminated', 'Terminated']);
    expect(aNet.log).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(bNet.log).toEqual(['180', '200', '200']);
    clock.runAll();
    expect([alice.size, bob.size, clock.pendingTimers]).toEqual([0, 0, 0]);
  });
});
