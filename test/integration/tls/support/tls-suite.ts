import { afterAll, afterEach, beforeAll } from 'vitest';
import type { DnsPort } from '../../../../src-main/platform/net/dns-port.js';
import { getTestPki, type TestPki } from '../../../fixtures/pki/test-pki.js';
import { tlsHarness, type Harness } from './tls-harness.js';
import { netHandles, waitFor } from './wait.js';

/** A DNS port for tests that connect to numeric addresses only. */
export const noDns: DnsPort = {
  resolveNaptr: () => Promise.reject(new Error('unused')),
  resolveSrv: () => Promise.reject(new Error('unused')),
  resolve4: () => Promise.reject(new Error('unused')),
  resolve6: () => Promise.reject(new Error('unused')),
};

export interface TlsSuite {
  readonly pki: TestPki;
  readonly h: Harness;
  /** Run after each test, last first. */
  readonly cleanups: (() => unknown)[];
}

/**
 * The lifecycle shared by the real-socket TLS suites: the test PKI and harness before all tests,
 * cleanups after each, and a check that every socket was closed at the end (DESIGN.md rule 8).
 */
export function useTlsSuite(): TlsSuite {
  let pki: TestPki | undefined;
  let h: Harness | undefined;
  let handlesBefore = 0;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => {
    handlesBefore = netHandles();
    pki = await getTestPki();
    h = tlsHarness(pki);
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    h?.eventLog.dispose();
    await waitFor(() => netHandles() <= handlesBefore, 2000, 'all sockets closed');
  });
  return {
    get pki() {
      if (pki === undefined) throw new Error('TLS suite not set up yet');
      return pki;
    },
    get h() {
      if (h === undefined) throw new Error('TLS suite not set up yet');
      return h;
    },
    cleanups,
  };
}
