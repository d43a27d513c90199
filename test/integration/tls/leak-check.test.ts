/** The leak check used by the TLS integration tests can fail: it sees servers and sockets. */
import * as net from 'node:net';
import { expect, it } from 'vitest';
import { netHandles } from './support/wait.js';

it('netHandles counts an open server and a connected socket pair, and drops them when closed', async () => {
  const before = netHandles();
  const server = net.createServer((s) => s.on('error', () => undefined));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  expect(netHandles()).toBe(before + 1);
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  expect(netHandles()).toBeGreaterThanOrEqual(before + 2);
  client.destroy();
  await new Promise((r) => server.close(r));
  await new Promise((r) => setTimeout(r, 20));
  expect(netHandles()).toBe(before);
});
