/**
 * Transaction timer values, RFC 3261 §17 and Table 4 (Appendix A), with RFC 6026 §8.11 (Timer L, M).
 *
 * | timer | meaning                                      | unreliable              | reliable |
 * |-------|----------------------------------------------|-------------------------|----------|
 * | A     | INVITE request retransmit (§17.1.1.2)        | T1, doubling            | not used |
 * | B     | INVITE transaction timeout (§17.1.1.2)       | 64·T1                   | 64·T1    |
 * | C     | proxy INVITE timeout (§16.6)                 | never: we are not a proxy |        |
 * | D     | wait for response retransmits (§17.1.1.2)   | ≥ 32 s                  | 0        |
 * | E     | non-INVITE request retransmit (§17.1.2.2)    | T1, doubling to T2      | not used |
 * | F     | non-INVITE transaction timeout (§17.1.2.2)   | 64·T1                   | 64·T1    |
 * | G     | INVITE response retransmit (§17.2.1)         | T1, doubling to T2      | not used |
 * | H     | wait for ACK receipt (§17.2.1)               | 64·T1                   | 64·T1    |
 * | I     | wait for ACK retransmits (§17.2.1)           | T4                      | 0        |
 * | J     | wait for non-INVITE request retransmits (§17.2.2) | 64·T1              | 0        |
 * | K     | wait for response retransmits (§17.1.2.2)    | T4                      | 0        |
 * | L     | wait for accepted INVITE retransmits (RFC 6026 §7.1) | 64·T1            | 64·T1    |
 * | M     | wait for 2xx retransmits (RFC 6026 §7.2)     | 64·T1                   | 64·T1    |
 */
export interface TimerValues {
  /** RTT estimate, default 500 ms (§17.1.1.1). */
  readonly T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly T2: number;
  /** Maximum duration a message remains in the network, default 5 s. */
  readonly T4: number;
  /** Timer D for unreliable transports, default 32 s. */
  readonly D: number;
  /** Delay before an INVITE server transaction sends 100 Trying itself (§17.2.1: 200 ms). */
  readonly trying: number;
}

export const DEFAULT_TIMERS: TimerValues = { T1: 500, T2: 4000, T4: 5000, D: 32_000, trying: 200 };

export function timerValues(overrides: Partial<TimerValues> = {}): TimerValues {
  return { ...DEFAULT_TIMERS, ...overrides };
}

/**
 * Not an RFC 3261 timer: how long a user agent that sent CANCEL waits for the INVITE's final
 * response before it reports the call ended anyway. A CANCEL waits for a provisional (§9.1) and the
 * INVITE transaction may live on until Timer B (64·T1), far too long for a person who hung up.
 */
export const CANCEL_GIVE_UP_MS = 4000;
