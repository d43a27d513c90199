/**
 * A RegistrationClient on a fake reliable transport and the fake clock, for the registration
 * unit tests (registration-client.test.ts, peer-durations.test.ts): what was sent, and `answer`,
 * which answers the last request with a status, headers and optionally an `expires` parameter on
 * our Contact (any text: the grammar has no length limit).
 */
import { nullLogger } from '../../src-main/base/logger.js';
import { DigestClient } from '../../src-main/protocol/sip/auth/digest-client.js';
import { createResponse } from '../../src-main/protocol/sip/message/builders.js';
import type { SipMessage, SipRequest } from '../../src-main/protocol/sip/message/message.js';
import { parseNameAddr } from '../../src-main/protocol/sip/message/name-addr.js';
import type { SipUri } from '../../src-main/protocol/sip/message/uri.js';
import { TransactionLayer } from '../../src-main/protocol/sip/transaction/transaction-layer.js';
import type { TransportAddress, TransportPort } from '../../src-main/protocol/sip/transaction/transport-port.js';
import type { LocalEndpoint } from '../../src-main/protocol/sip/ua/local-endpoint.js';
import { RegistrationClient } from '../../src-main/protocol/sip/ua/registration-client.js';
import { UaStack } from '../../src-main/protocol/sip/ua/ua-stack.js';
import { FakeClock } from './fake-clock.js';
import { FakeRng } from './fake-rng.js';

export const RIG_SERVER: TransportAddress = { transport: 'TLS', host: '192.0.2.10', port: 5061 };
export const RIG_ENDPOINT: LocalEndpoint = { transport: 'TLS', viaHost: '10.0.0.2', viaPort: 50123, contactHost: '203.0.113.5', contactPort: 40000, destination: RIG_SERVER };

export function registrationRig(expires = 600) {
  const clock = new FakeClock();
  const rng = new FakeRng(7);
  const sent: SipRequest[] = [];
  const transport: TransportPort = {
    reliable: true,
    send(message: SipMessage) {
      if (message.kind === 'request') sent.push(message);
      return true;
    },
  };
  const layer = new TransactionLayer({ transport, clock });
  const aor = parseNameAddr('sips:alice@pbx.example.com')!.uri as SipUri;
  const digest = new DigestClient({ credentials: { username: 'alice', password: 'secret' }, rng });
  const stack = new UaStack({ aor, instanceId: 'urn:uuid:00000000-0000-4000-8000-000000000001' }, layer, digest, () => RIG_ENDPOINT, rng, 'test');
  const reg = new RegistrationClient(stack, { expires }, clock, rng, nullLogger);
  /** Answers the last request; `contactExpires` goes on our Contact as given. */
  const answer = (status: number, headers: [string, string][] = [], contactExpires?: string | number): void => {
    const req = sent.at(-1)!;
    const ours = req.headers.contact()[0]!;
    const contact = contactExpires === undefined ? undefined : [{ ...ours, params: [...ours.params.filter((p) => p.name !== 'expires'), { name: 'expires', value: String(contactExpires) }] }];
    layer.receive(createResponse(req, status, undefined, { toTag: 'srv', headers, ...(contact === undefined ? {} : { contact }) }), RIG_SERVER);
  };
  return { clock, rng, sent, layer, stack, reg, answer };
}
