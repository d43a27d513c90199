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

/**
 * Socket pairs bound ahead of a call (the call pre-warm, services/phone/call-prewarm.ts): at most
 * one pair per local address, at most `maxAddresses` addresses. A call takes the pair for its
 * address (or binds its own, the cold path, when there is none); nothing is bound here on its own:
 * the owner decides when to `fill` (when no call is in progress) and `release` (unregistered,
 * address gone, shut down). Pooled sockets have no listener: a datagram reaching one is dropped.
 */
export class RtpSocketPairPool {
  private readonly ready = new Map<string, RtpSocketPair>();
  private readonly filling = new Set<string>();
  private disposed = false;

  constructor(
    private readonly factory: RtpSocketFactory,
    private readonly rng: Rng,
    private readonly range?: PortRange,
    private readonly maxAddresses = 4,
  ) {}

  /** The pre-bound pair for `address`, handed over to the caller (who then owns it); none: bind your own. */
  take(address: string): RtpSocketPair | undefined {
    const pair = this.ready.get(address);
    if (pair !== undefined) this.ready.delete(address);
    return pair;
  }

  /** Binds a pair for each address that has none (bounded); resolves when done. Failures leave the address empty. */
  async fill(addresses: readonly string[]): Promise<Result<number, RtpSocketError>> {
    let bound = 0;
    let failure: RtpSocketError | undefined;
    for (const address of addresses) {
      if (this.disposed || this.ready.has(address) || this.filling.has(address)) continue;
      if (this.ready.size + this.filling.size >= this.maxAddresses) break;
      this.filling.add(address);
      const pair = await allocateRtpSocketPair(this.factory, address, this.rng, this.range);
      this.filling.delete(address);
      if (!pair.ok) {
        failure = pair.error;
        continue;
      }
      if (this.disposed) {
        pair.value.rtp.dispose();
        pair.value.rtcp.dispose();
        continue;
      }
      this.ready.set(address, pair.value);
      bound++;
    }
    return failure === undefined ? ok(bound) : err(failure);
  }

  /** Closes the pairs of addresses not in `keep` (all of them without `keep`). */
  release(keep: readonly string[] = []): void {
    for (const [address, pair] of [...this.ready]) {
      if (keep.includes(address)) continue;
      this.ready.delete(address);
      pair.rtp.dispose();
      pair.rtcp.dispose();
    }
  }

  /** Sockets bound and waiting in the pool (two per pair). */
  get sockets(): number {
    return this.ready.size * 2;
  }

  /** The local addresses that have a pair waiting. */
  get addresses(): string[] {
    return [...this.ready.keys()];
  }

  /** Closes every pooled socket; later fills bind nothing. */
  dispose(): void {
    this.disposed = true;
    this.release();
  }
}
