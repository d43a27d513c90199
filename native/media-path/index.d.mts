/** The native media path prototype (src/media_path.c). */

/** An opened leg; closed by close() or when garbage-collected. */
export type MediaPathLeg = { readonly __mediaPathLeg: unique symbol };

export interface MediaPathOpenOptions {
  /** Numeric IPv4 or IPv6 address to bind. */
  readonly address: string;
  /** 0: any free port (see localPort). */
  readonly port?: number;
}

/** The negotiated stream. */
export interface MediaPathStream {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly codec: 'PCMU' | 'PCMA';
  /** The payload type we send with (the peer's number) and accept. */
  readonly payloadType: number;
  /** Samples per frame at 8 kHz: 160 for 20 ms. */
  readonly frameSamples?: number;
  readonly ssrc: number;
  readonly sequence: number;
  readonly timestamp: number;
  /** Absent: plain RTP. Keys are the SDES inline key-salt (30 octets), ours and the peer's. */
  readonly srtp?: {
    readonly suite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';
    readonly sendKey: Uint8Array;
    readonly receiveKey: Uint8Array;
    readonly replayWindow?: number;
  };
  /** 8 kHz mono PCM to send, once (then silence). */
  readonly source?: Int16Array;
  /** How much of what is played to keep (seconds, at most 3600). */
  readonly recordSeconds?: number;
  /** Frames buffered before playout starts (1-8). */
  readonly jitterFrames?: number;
  /** The peer's telephone-event payload type at 8 kHz (96-127; absent: no RFC 4733 DTMF). */
  readonly dtmfPayloadType?: number;
  /** A received digit (event code 0-15, duration ms); called on the JS thread, once per event. */
  readonly onDtmf?: (event: number, durationMs: number) => void;
}

export interface MediaPathStats {
  readonly wakeups: number;
  readonly lateWakeups: number;
  readonly maxLatenessUs: number;
  readonly packetsSent: number;
  /**
   * Every datagram read, and where each went: datagrams = rtcpReceived + authFailures +
   * replayFailures + otherSrtpFailures + notRtp + wrongPayloadType + latePackets + duplicates +
   * held + dtmfPackets + accepted (queued for playout).
   */
  readonly datagrams: number;
  /** Datagrams that passed SRTP (or all RTP-candidates with plain RTP). */
  readonly packetsReceived: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly bytesReceived: number;
  readonly rtcpReceived: number;
  readonly authFailures: number;
  readonly replayFailures: number;
  readonly otherSrtpFailures: number;
  readonly notRtp: number;
  readonly wrongPayloadType: number;
  readonly latePackets: number;
  readonly overflowDropped: number;
  /** Playout found nothing queued (the peer's packet late): the queue deepened by a frame. */
  readonly underruns: number;
  /** The queue started over: a new SSRC, or a sequence jump of more than 16 either way. */
  readonly resyncs: number;
  /** Authenticated while the stream does not receive (we hold, or inactive): not played. */
  readonly held: number;
  /** telephone-event packets received (each one outcome of `datagrams`), sent, and digits reported. */
  readonly dtmfPackets: number;
  readonly dtmfPacketsSent: number;
  readonly dtmfReceived: number;
  readonly framesPlayed: number;
  readonly framesConcealed: number;
  readonly framesSilent: number;
  readonly sendErrors: number;
  /** When capture sample 0 was taken and playback sample 0 played (ms since the Unix epoch). */
  readonly captureStartEpochMs: number;
  readonly playbackStartEpochMs: number;
}

export interface MediaPathAddon {
  open(options: MediaPathOpenOptions): MediaPathLeg;
  localPort(leg: MediaPathLeg): number;
  /** Connects to the peer and starts the media thread. */
  start(leg: MediaPathLeg, stream: MediaPathStream): void;
  /** After a re-negotiation with the same keys: what the stream may send and play, and where it sends. */
  update(leg: MediaPathLeg, stream: { readonly send: boolean; readonly receive: boolean; readonly remoteAddress?: string; readonly remotePort?: number }): void;
  setMuted(leg: MediaPathLeg, muted: boolean): void;
  /** Queues an RFC 4733 digit (event 0-15); false when telephone-event was not agreed or 32 are queued. */
  sendDtmf(leg: MediaPathLeg, event: number, durationMs: number): boolean;
  stats(leg: MediaPathLeg): MediaPathStats;
  /** Joins the media thread; returns what was played. */
  stop(leg: MediaPathLeg): Int16Array;
  close(leg: MediaPathLeg): void;
}

export function mediaPathProblem(): string | undefined;
export function loadMediaPath(): MediaPathAddon;
