/**
 * Local transport for one call's audio stream: an RTP socket on an even port and an RTCP socket on
 * the next (odd) port, RFC 3550 §11 (the SDP then needs no a=rtcp, RFC 3605 §2.1). With RTP/RTCP
 * multiplexing agreed (RFC 5761) the RTCP socket is released and everything runs on one port.
 */
import type { Rng } from '../../base/rng.js';
import { err, ok, type Result } from '../../base/result.js';
import type { RtpSocket, RtpSocketError, RtpSocketFactory } from './rtp-socket-port.js';

export interface PortRange {
  /** Lowest RTP port (rounded up to even). */
  readonly min: number;
  /** Highest RTCP port. */
  readonly max: number;
}

export interface RtpSocketPair {
  readonly rtp: RtpSocket;
  readonly rtcp: RtpSocket;
}

const ATTEMPTS = 24;

/**
 * Binds an even RTP port and RTP+1 for RTCP on `address`. Without a range, the OS picks the RTP
 * port (retrying until it is even and its neighbour is free); with a range, random even ports in it.
 */
export async function allocateRtpSocketPair(factory: RtpSocketFactory, address: string, rng: Rng, range?: PortRange): Promise<Result<RtpSocketPair, RtpSocketError>> {
  let last: RtpSocketError | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const want = range === undefined ? 0 : randomEvenPort(rng, range);
    const rtp = await factory.bind(address, want);
    if (!rtp.ok) {
      last = rtp.error;
      if (rtp.error.code !== 'address-in-use') return rtp;
      continue;
    }
    const port = rtp.value.localPort;
    if (port % 2 !== 0 || port >= 65535) {
      rtp.value.dispose();
      continue;
    }
    const rtcp = await factory.bind(address, port + 1);
    if (rtcp.ok) return ok({ rtp: rtp.value, rtcp: rtcp.value });
    rtp.value.dispose();
    last = rtcp.error;
    if (rtcp.error.code !== 'address-in-use') return rtcp;
  }
  return err(last ?? { code: 'address-in-use', message: `no free even RTP port with a free RTCP neighbour on ${address} after ${ATTEMPTS} attempts` });
}

function randomEvenPort(rng: Rng, range: PortRange): number {
  const lo = Math.max(1024, range.min + (range.min % 2));
  const hi = Math.min(65534, range.max - 1);
  if (hi < lo) return lo;
  const slots = Math.floor((hi - lo) / 2) + 1;
  return lo + 2 * (rng.uint32() % slots);
}
