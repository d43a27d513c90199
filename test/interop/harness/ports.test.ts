import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { allocatePort, allocatePorts, canConnectTcp, isPortFree, looksLikePortClash, PortClashError, retryOnPortClash } from './ports.js';

describe('loopback port allocation', () => {
  it('hands out distinct ports that are bindable for TCP and UDP on 127.0.0.1', async () => {
    const ports = await allocatePorts(3, { protocols: ['tcp', 'udp'] });
    expect(new Set(ports).size).toBe(3);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(20_000);
      expect(p).toBeLessThan(32_768); // below the kernel's ephemeral range
      expect(await isPortFree(p, ['tcp', 'udp'])).toBe(true);
    }
  });

  it('sees a bound port as taken, and finds consecutive free ports (baresip needs P and P+1)', async () => {
    const port = await allocatePort();
    const server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      expect(await isPortFree(port)).toBe(false);
      expect(await canConnectTcp(port)).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const base = await allocatePort({ consecutive: 2, protocols: ['tcp', 'udp'] });
    expect(await isPortFree(base + 1, ['tcp', 'udp'])).toBe(true);
  });

  it('checks ::1 too when asked', async () => {
    const port = await allocatePort({ hosts: ['127.0.0.1', '::1'] });
    expect(await isPortFree(port, ['tcp'], ['::1'])).toBe(true);
  });

  it('retries a start-up only when it lost a port race', async () => {
    let attempts = 0;
    const value = await retryOnPortClash(async () => {
      attempts++;
      if (attempts < 3) throw new PortClashError('EADDRINUSE');
      return 'up';
    });
    expect(value).toBe('up');
    expect(attempts).toBe(3);
    await expect(retryOnPortClash(async () => Promise.reject(new Error('bad config')))).rejects.toThrow('bad config');
    expect(looksLikePortClash('tcp: sock_bind: bind: Address already in use (af=2, 127.0.0.1:25071)')).toBe(true);
    expect(looksLikePortClash('ERROR: bad config file (5 errors)')).toBe(false);
  });
});
