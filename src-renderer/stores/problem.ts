import type { ErrorCode, Problem } from '../../src-shared/ipc/errors';
import { IpcError, type TLS_ERROR_CODES } from '../../src-shared/ipc/errors';

/** A failed request as the views show it: the words main made (message + fix), and the code. */
export interface ShownProblem {
  readonly code: ErrorCode | 'unexpected';
  readonly message: string;
  readonly hint: string | null;
}

export function toShownProblem(e: unknown): ShownProblem {
  if (e instanceof IpcError) return { code: e.code, message: e.message, hint: e.hint };
  return { code: 'unexpected', message: e instanceof Error ? e.message : String(e), hint: null };
}

export function fromProblem(p: Problem): ShownProblem {
  return { code: p.code, message: p.message, hint: p.hint };
}

/**
 * Failures about the server's certificate or the TLS handshake: the certificate panel can explain
 * them, and saving anyway is never offered for them (there is no "accept anyway").
 */
const CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'expired',
  'not-yet-valid',
  'unknown-authority',
  'incomplete-chain',
  'self-signed',
  'invalid-chain',
  'hostname-mismatch',
  'pin-mismatch',
  'revoked',
  'revocation-unknown',
  'weak-key',
  'weak-signature',
  'protocol-version',
  'handshake-failure',
  'not-tls',
  'insecure-not-allowed',
  'policy-violation',
] satisfies readonly (typeof TLS_ERROR_CODES)[number][]);

export function isCertificateProblem(code: string): boolean {
  return CERTIFICATE_CODES.has(code);
}
