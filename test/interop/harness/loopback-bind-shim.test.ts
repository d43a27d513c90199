import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { withLoopbackBinds } from './loopback-bind-shim.js';
import { findExecutable } from './peers.js';

const run = promisify(execFile);
const hasCc = findExecutable('cc') !== null || findExecutable('gcc') !== null;
if (!hasCc && process.env.CI === 'true') throw new Error('CI=true: no C compiler (Debian package: gcc) for the loopback bind shim');

// A child Node binds UDP and TCP to the wildcard addresses and prints what it really got.
const PROBE = `
const dgram = require('node:dgram'); const net = require('node:net');
const out = [];
const u4 = dgram.createSocket('udp4'); const u6 = dgram.createSocket('udp6'); const t4 = net.createServer();
u4.bind(0, '0.0.0.0', () => { out.push(u4.address().address);
  u6.bind(0, '::', () => { out.push(u6.address().address);
    t4.listen(0, '0.0.0.0', () => { out.push(t4.address().address); console.log(out.join(',')); process.exit(0); }); }); });
`;

// Skips only without a C compiler to build the shim; under CI=true the check above throws instead.
describe.skipIf(!hasCc)('loopback bind shim (LD_PRELOAD) for peers that bind wildcard addresses', () => {
  it('turns binds to 0.0.0.0 and :: into 127.0.0.1 and ::1', async () => {
    const { stdout } = await run(process.execPath, ['-e', PROBE], { env: await withLoopbackBinds() });
    expect(stdout.trim()).toBe('127.0.0.1,::1,127.0.0.1');
  });

  it('leaves a process without the shim alone (the probe can tell the difference)', async () => {
    const { stdout } = await run(process.execPath, ['-e', PROBE]);
    expect(stdout.trim()).toBe('0.0.0.0,::,0.0.0.0');
  });
});
