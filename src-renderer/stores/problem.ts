import type { ErrorCode, Problem } from '../../src-shared/ipc/errors';
import { CERTIFICATE_PROBLEM_CODES, IpcError } from '../../src-shared/ipc/errors';

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

const CERTIFICATE_CODES: ReadonlySet<string> = new Set(CERTIFICATE_PROBLEM_CODES);

/** A failure about the server's certificate or the TLS handshake (src-shared/ipc/errors.ts). */
export function isCertificateProblem(code: string): boolean {
  return CERTIFICATE_CODES.has(code);
}
