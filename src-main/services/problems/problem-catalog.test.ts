import { describe, expect, it } from 'vitest';
import { ERROR_CODE_GROUPS, ERROR_CODES, TLS_ERROR_CODES as CONTRACT_TLS_CODES } from '../../../src-shared/ipc/errors.js';
import { TLS_ERROR_CODES } from '../../platform/tls/tls-error.js';
import { problem, publicDetail } from './problem-catalog.js';

describe('the closed error codes and their words', () => {
  it('the groups (registration, call, TLS, media, storage, validation, policy…) are disjoint', () => {
    const all = Object.values(ERROR_CODE_GROUPS).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(ERROR_CODES.length).toBe(all.length);
  });

  it('every code has a plain message and (where there is something to do) a fix hint', () => {
    for (const code of ERROR_CODES) {
      const p = problem(code);
      expect(p.code).toBe(code);
      expect(p.message.length, code).toBeGreaterThan(8);
      expect(p.message, code).toMatch(/[.!?]$/);
      if (p.hint !== null) expect(p.hint.length, code).toBeGreaterThan(8);
    }
  });

  it('every connection and certificate failure the platform reports is a code of the contract (seed error list included)', () => {
    for (const code of TLS_ERROR_CODES) expect(CONTRACT_TLS_CODES as readonly string[]).toContain(code);
    expect(problem('expired').message).toMatch(/certificate has expired/);
    expect(problem('unknown-authority').message).toMatch(/authority/);
    expect(problem('hostname-mismatch').message).toMatch(/not valid for this SIP domain/);
    expect(problem('handshake-failure').message).toMatch(/handshake failed/);
    expect(problem('connection-refused').message).toMatch(/refused the connection/);
    for (const code of ['expired', 'unknown-authority', 'hostname-mismatch', 'handshake-failure', 'connection-refused'] as const) expect(problem(code).hint).not.toBeNull();
  });

  it('sentences name their public detail; detail keeps only flat public values', () => {
    expect(problem('registration-rejected', { status: 404, reasonPhrase: 'Not Found' }).message).toBe('The server rejected the registration (404 Not Found).');
    expect(problem('setting-locked', { setting: 'tls.verify', reason: 'company policy' }).message).toContain('tls.verify');
    expect(publicDetail({ a: 'x', n: 3, b: true, o: { nested: 1 }, f: () => 1, inf: Infinity })).toEqual({ a: 'x', n: 3, b: true });
  });
});
