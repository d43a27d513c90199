/**
 * Packet index estimation across sequence-number wrap (RFC 3711 §3.3.1 and Appendix A).
 *
 * Given the rollover counter ROC and the highest sequence number s_l seen so far, the ROC guess v
 * for a packet with sequence number SEQ is:
 *
 *   if s_l < 2^15:  v = ROC - 1 if SEQ - s_l > 2^15, else ROC
 *   else:           v = ROC + 1 if s_l - 2^15 > SEQ, else ROC
 *
 * and the packet index i = 2^16 * v + SEQ.
 */

/** The ROC guess v (may be -1 before the first wrap, or 2^32 after the last: both invalid). */
export function estimateRoc(roc: number, highestSeq: number, seq: number): number {
  if (highestSeq < 32768) return seq - highestSeq > 32768 ? roc - 1 : roc;
  return highestSeq - 32768 > seq ? roc + 1 : roc;
}

export const MAX_ROC = 0xffffffff;

/** True when v is a usable ROC value (32 bits, RFC 3711 §3.2.1). */
export function isValidRoc(v: number): boolean {
  return v >= 0 && v <= MAX_ROC;
}
