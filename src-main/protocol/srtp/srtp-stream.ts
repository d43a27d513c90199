/**
 * Per-SSRC state of an SRTP crypto context (RFC 3711 §3.2.1, §3.2.3): rollover counter and highest
 * sequence number, replay windows for SRTP and SRTCP, the SRTCP index of a sending stream, the
 * stream's precomputed keystream, and its counters.
 */
import { CmKeystream } from './cm-keystream.js';
import { newErrorCounters, type SrtpErrorCounters } from './srtp-errors.js';
import type { SessionKeySet } from './master-key.js';
import { ReplayWindow } from './replay-window.js';

export type StreamDirection = 'inbound' | 'outbound';

/** A snapshot of one stream's state and counters; plain data, safe to show and serialize. */
export interface SrtpStreamStats extends SrtpErrorCounters {
  readonly ssrc: number;
  readonly direction: StreamDirection;
  readonly rtpPackets: number;
  readonly rtpOctets: number;
  readonly rtcpPackets: number;
  readonly rtcpOctets: number;
  readonly roc: number;
  readonly highestSeq: number;
  readonly rtcpIndex: number;
}

export class SrtpStream {
  roc = 0;
  /** s_l: highest sequence number accepted (RFC 3711 §3.3.1), -1 before the first packet. */
  highestSeq = -1;
  readonly rtpWindow: ReplayWindow;
  readonly rtcpWindow: ReplayWindow;
  /** Outbound: the next SRTCP index to use (RFC 3711 §3.4 starts at 0). */
  rtcpNext = 0;
  rtpPackets = 0;
  rtpOctets = 0;
  rtcpPackets = 0;
  rtcpOctets = 0;
  readonly errors: SrtpErrorCounters = newErrorCounters();

  private rtpKs: CmKeystream | undefined;
  private rtpKsOwner: SessionKeySet | undefined;
  private rtcpKs: CmKeystream | undefined;
  private rtcpKsOwner: SessionKeySet | undefined;

  constructor(
    readonly ssrc: number,
    readonly direction: StreamDirection,
    windowSize: number,
  ) {
    this.rtpWindow = new ReplayWindow(windowSize);
    this.rtcpWindow = new ReplayWindow(windowSize);
  }

  /** Keystream generator for SRTP under `keys`. */
  rtpKeystream(keys: SessionKeySet): CmKeystream {
    if (this.rtpKsOwner !== keys || this.rtpKs === undefined) {
      this.rtpKs?.dispose();
      this.rtpKs = new CmKeystream(keys.aes, keys.salt, this.ssrc, keys.ghash === undefined ? 'aes-cm' : 'gcm-srtp');
      this.rtpKsOwner = keys;
    }
    return this.rtpKs;
  }

  rtcpKeystream(keys: SessionKeySet): CmKeystream {
    if (this.rtcpKsOwner !== keys || this.rtcpKs === undefined) {
      this.rtcpKs?.dispose();
      this.rtcpKs = new CmKeystream(keys.aes, keys.salt, this.ssrc, keys.ghash === undefined ? 'aes-cm' : 'gcm-srtcp');
      this.rtcpKsOwner = keys;
    }
    return this.rtcpKs;
  }

  /** Records an authenticated SRTP packet with ROC `v`, sequence `seq` and index `index`. */
  acceptRtp(index: number, v: number, seq: number, octets: number): void {
    if (index > this.rtpWindow.highest) {
      this.roc = v;
      this.highestSeq = seq;
    }
    this.rtpWindow.accept(index);
    this.rtpPackets++;
    this.rtpOctets += octets;
  }

  stats(): SrtpStreamStats {
    return {
      ssrc: this.ssrc,
      direction: this.direction,
      rtpPackets: this.rtpPackets,
      rtpOctets: this.rtpOctets,
      rtcpPackets: this.rtcpPackets,
      rtcpOctets: this.rtcpOctets,
      roc: this.roc,
      highestSeq: this.highestSeq,
      rtcpIndex: this.direction === 'outbound' ? this.rtcpNext : this.rtcpWindow.highest,
      ...this.errors,
    };
  }

  dispose(): void {
    this.rtpKs?.dispose();
    this.rtcpKs?.dispose();
    this.rtpKs = undefined;
    this.rtcpKs = undefined;
  }
}
