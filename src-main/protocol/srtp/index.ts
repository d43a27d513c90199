/** SRTP/SRTCP engine (RFC 3711, RFC 6188, RFC 7714). See README.md for what is supported. */
export { SrtpContext, type SrtpContextOptions, type SrtpContextStats, type SrtpKeyUsage, type KeyLifetimeEvent } from './srtp-context.js';
export { SrtpSession, type SrtpSessionKeys, type SrtpSessionStats } from './srtp-session.js';
export { validateKeyParams, type SrtpKeyParams, type SrtpConfigError, type SrtpConfigErrorCode, type KeyLifetimeState } from './master-key.js';
export { SRTP_STATUS, srtpErrorCode, type SrtpError, type SrtpErrorCode, type SrtpErrorCounters } from './srtp-errors.js';
export type { SrtpStreamStats, StreamDirection } from './srtp-stream.js';
export {
  SRTP_SUITES,
  SRTP_SUITE_NAMES,
  LEGACY_SUITE_SPELLINGS,
  canonicalSuiteName,
  isSrtpSuiteName,
  type SrtpSuite,
  type SrtpSuiteName,
} from './srtp-suite.js';
export { DEFAULT_REPLAY_WINDOW, MIN_REPLAY_WINDOW, MAX_REPLAY_WINDOW } from './replay-window.js';
