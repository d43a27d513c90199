import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkPeers, requirePeers } from './peers.js';

// sox lives in /usr/bin: with PATH pointing nowhere it is "missing" on any machine.
const NO_PATH = { PATH: '/nonexistent-softphone-test-dir' };

describe('requirePeers: skip loudly, but never in CI', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names the missing tool and its Debian package', () => {
    const check = checkPeers(['sox', 'sipp', 'stunnel'], NO_PATH);
    expect(check.available).toBe(false);
    expect(check.packages).toEqual(['sox', 'sip-tester', 'gcc', 'stunnel4']);
    expect(check.missing[0]).toMatch(/^sox: .*\(Debian package: sox\)$/);
  });

  it('outside CI: prints a banner with the apt-get line and reports unavailable (the caller skips)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const check = requirePeers(['sox'], NO_PATH);
    expect(check.available).toBe(false);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/INTEROP PEERS MISSING[\s\S]*apt-get install sox[\s\S]*SKIPPING/);
  });

  it('with CI=true: throws instead of skipping', () => {
    expect(() => requirePeers(['sox'], { ...NO_PATH, CI: 'true' })).toThrow(/CI=true: interop peers missing[\s\S]*Debian package: sox/);
  });

  it('says nothing when everything is there', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // openssl is a test peer in its own right (scripts/pretest.mjs installs it).
    expect(requirePeers(['openssl'], { ...process.env, CI: 'true' }).available).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });
});
