import type { ErrorCode, Problem } from '../../../src-shared/ipc/errors.js';
import { problem, publicDetail } from '../problems/problem-catalog.js';
import type { ConnectionErrorCode } from './ports.js';

// Every connection code is a code of the closed list (a compile error otherwise).
const assertClosed = (c: ConnectionErrorCode): ErrorCode => c;

/** Why an account cannot connect, in words. */
export function connectionProblem(e: { readonly code: ConnectionErrorCode; readonly detail?: Readonly<Record<string, unknown>> }): Problem {
  return problem(assertClosed(e.code), publicDetail(e.detail));
}
