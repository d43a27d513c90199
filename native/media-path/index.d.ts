/** The native media path (src/media_path.c). */

/** An opened leg; closed by close() or when garbage-collected. */
export type MediaPathLeg = { readonly __mediaPathLeg: unique symbol };

export interface MediaPathOpenOptions {
  /** Numeric IPv4 or IPv6 address to bind. */
  readonly address: string;
  /** 0: any free port (see localPort). */
  readonly port?: number;
  /** Also bind the next port for RTCP (a peer without rtcp-mux); with port 0 the RTP port is even. */
  readonly rtcpSocket?: boolean;
}

/** The negotiated stream. */
/** The SDES suites the native path runs (libsrtp2's own AES-ICM and HMAC-SHA1; no AEAD-GCM without a crypto library). */
export type MediaPathSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AES_256_CM_HMAC_SHA1_80' | 'AES_256_CM_HMAC_SHA1_32';

export interface MediaPathStream {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** RFC 5761 agreed (default true); otherwise RTCP goes to remoteRtcpAddress:remoteRtcpPort from the RTCP socket. */
  readonly rtcpMux?: boolean;
  readonly remoteRtcpAddress?: string;
  readonly remoteRtcpPort?: number;
  /** SDES CNAME (RFC 7022: random per call); default derived from the SSRC. */
  readonly cname?: string;
  /** Seeds the RTCP interval's randomisation. */
  readonly seed?: number;
  /** Nominal RTCP report interval (RFC 3550 §6.2; 100-60000 ms, default 5000), randomised over [0.5, 1.5]. */
  readonly rtcpIntervalMs?: number;
  readonly codec: 'PCMU' | 'PCMA' | 'G722' | 'opus';
  /** The payload type we send with (the peer's number) and accept. */
  readonly payloadType: number;
  /** Samples per period at the codec's PCM rate (8 kHz G.711, 16 kHz G.722 and Opus): 160 / 320 for 20 ms; 10-60 ms. */
  readonly frameSamples?: number;
  readonly ssrc: number;
  readonly sequence: number;
  readonly timestamp: number;
  /** Absent: plain RTP. Keys are the SDES inline key-salt (30 octets; 46 for AES-256), ours and the peer's. */
  readonly srtp?: {
    readonly suite: MediaPathSuite;
    readonly sendKey: Uint8Array;
    readonly receiveKey: Uint8Array;
    readonly replayWindow?: number;
  };
  /** Mono PCM to send (at `sourceRate`, default the codec's PCM rate: 8 kHz G.711, 16 kHz G.722 and Opus), once (then silence) or looped. */
  readonly source?: Int16Array;
  /** Start `source` over at its end (as the TypeScript file port's --play); default false. */
  readonly loopSource?: boolean;
  /** The rate of `source` (8000-96000; default the codec's PCM rate): converted a period at a time on the media thread. */
  readonly sourceRate?: number;
  /** How much of what is played to keep (seconds, at most 3600). */
  readonly recordSeconds?: number;
  /** Frames buffered before playout starts (1-8). */
  readonly jitterFrames?: number;
  /** The peer's telephone-event payload type at 8 kHz (96-127; absent: no RFC 4733 DTMF). */
  readonly dtmfPayloadType?: number;
  /**
   * Called on the JS thread, rarely: ('dtmf', event code 0-15, duration ms, '') once per received
   * digit; ('latched', port, 0, address) when symmetric RTP moved to where the peer sends from;
   * ('audio-error', 0, 0, which) when a sound-card stream stopped.
   */
  readonly onEvent?: (kind: 'dtmf' | 'latched' | 'audio-error', a: number, b: number, text: string) => void;
  /**
   * Sound cards instead of `source`/recording only: PortAudio devices by name (see devices();
   * absent: the default device), opened at `rate` (default 48000) and resampled to 8 kHz, with
   * speexdsp's echo canceller (default on). A stream that stops (a device unplugged) is reported
   * once as ('audio-error', 0, 0, 'microphone' | 'speaker').
   */
  readonly audio?: {
    readonly capture?: string;
    readonly playback?: string;
    readonly noCapture?: boolean;
    readonly noPlayback?: boolean;
    readonly rate?: number;
    readonly echoCancellation?: boolean;
  };
}

export interface MediaPathStats {
  readonly wakeups: number;
  readonly lateWakeups: number;
  readonly maxLatenessUs: number;
  readonly packetsSent: number;
  /**
   * Every datagram read, and where each went: datagrams = rtcpReceived + rtcpMalformed + strangers +
   * authFailures + replayFailures + otherSrtpFailures + notRtp + refusedSources +
   * wrongPayloadType + latePackets + duplicates + held + dtmfPackets + accepted (queued for
   * playout).
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
  /** The queue started over: a new SSRC, or a sequence jump of more than 64 either way. */
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
  /** From another source than the latched one while it is live (or a retired one, or beyond the one-per-20-ms budget): dropped before SRTP. */
  readonly strangers: number;
  /** Authenticated (or plain RTP) but not allowed to move the latch: a retired source, the previous key only, or plain RTP while the latched source is live. */
  readonly refusedSources: number;
  /** Moves of the latch to a source other than the SDP address (a NAT, a relay). */
  readonly latches: number;
  readonly rekeys: number;
  /** Packets that authenticated under the previous receive key during a re-key. */
  readonly underPreviousKey: number;
  /** 1 while the socket is connected to the latched source (the kernel drops every other source). */
  readonly socketConnected: number;
  /** 1 while packets under the previous receive key are still accepted. */
  readonly acceptsPreviousReceiveKey: number;
  /** 1 while our new send key waits for the peer's new key (we answered a re-key). */
  readonly sendKeyDeferred: number;
  /** RTCP compounds from the peer that passed SRTCP and parsed (each one outcome of `datagrams`), that did not parse, and ours sent (BYE included). */
  readonly rtcpMalformed: number;
  readonly rtcpSent: number;
  /** RFC 3550 A.3/A.8 for the peer's stream: packets expected and received, cumulative lost (may be negative with duplicates), interarrival jitter. */
  readonly expected: number;
  readonly received: number;
  readonly lost: number;
  readonly jitterMs: number;
  /** From the peer's report blocks about our stream: round trip (LSR/DLSR) and the fraction lost; -1 before the first. */
  readonly rttMs: number;
  readonly remoteLossPercent: number;
  readonly peerSaidBye: number;
  /** Frames waiting in the playout queue (the jitter buffer's depth). */
  readonly queueFrames: number;
  /** Their duration, ms (the playout delay the queue adds). */
  readonly queueMs: number;
  /** The PCM rate of the leg (8000 G.711, 16000 G.722 and Opus). */
  readonly pcmRate: number;
  readonly rtcpMux: number;
  /** 1 with sound cards; then the device figures from deviceRate on. */
  readonly audio: number;
  /** The meters, with sound cards and file audio alike: levels over the last 100 ms, dBFS RMS (-90 silence). */
  readonly microphoneLevelDb?: number;
  readonly speakerLevelDb?: number;
  readonly microphonePeakDb?: number;
  readonly speakerPeakDb?: number;
  /** 1 when a microphone sample hit full scale in the last 100 ms. */
  readonly microphoneClipped?: number;
  readonly deviceRate?: number;
  /** Periods the microphone had less than 20 ms ready (filled with silence), periods it was more than 80 ms ahead (cut to 40), samples its ring refused. */
  readonly captureUnderruns?: number;
  readonly captureDropped?: number;
  readonly captureOverflow?: number;
  /** Samples the speaker's callback found missing (silence), periods dropped because it was more than 80 ms behind. */
  readonly playbackUnderrunSamples?: number;
  readonly playbackDropped?: number;
  readonly echoCancellation?: number;
  /** What the microphone's and the speaker's rings hold now, ms. */
  readonly captureQueuedMs?: number;
  readonly playbackQueuedMs?: number;
  /** When capture sample 0 was taken and playback sample 0 played (ms since the Unix epoch). */
  readonly captureStartEpochMs: number;
  readonly playbackStartEpochMs: number;
}

export interface MediaPathAddon {
  open(options: MediaPathOpenOptions): MediaPathLeg;
  localPort(leg: MediaPathLeg): number;
  /** Sets up the stream (sending to the SDP address until the peer's first packet latches) and starts the media thread. */
  start(leg: MediaPathLeg, stream: MediaPathStream): void;
  /** After a re-negotiation with the same keys: what the stream may send and play, and where it sends. */
  update(
    leg: MediaPathLeg,
    stream: { readonly send: boolean; readonly receive: boolean; readonly remoteAddress?: string; readonly remotePort?: number; readonly remoteRtcpAddress?: string; readonly remoteRtcpPort?: number },
  ): void;
  /**
   * After a re-negotiation that changed keys: new keys for either direction (the previous receive
   * key stays until the peer uses the new one; `deferSend`: we answered, so our new send key
   * waits for the peer's), both to start SRTP, null to go back to plain RTP.
   */
  rekey(
    leg: MediaPathLeg,
    keys: { readonly suite: MediaPathSuite; readonly sendKey?: Uint8Array; readonly receiveKey?: Uint8Array; readonly replayWindow?: number; readonly deferSend?: boolean } | null,
  ): void;
  setMuted(leg: MediaPathLeg, muted: boolean): void;
  /** Microphone and speaker gain in dB (-60..+20). */
  setVolume(leg: MediaPathLeg, inputGainDb: number, outputGainDb: number): void;
  /** Other sound cards mid-call (names as in start's audio): the streams reopen, the echo canceller starts over. Throws MEDIA_PATH_AUDIO when a device cannot be opened (that side is then silent). */
  setDevices(leg: MediaPathLeg, devices: { readonly capture?: string; readonly playback?: string; readonly noCapture?: boolean; readonly noPlayback?: boolean }): void;
  /** PortAudio's devices. */
  devices(): { readonly name: string; readonly hostApi: string; readonly inputs: number; readonly outputs: number; readonly defaultRate: number }[];
  /** Queues an RFC 4733 digit (event 0-15); false when telephone-event was not agreed or 32 are queued. */
  sendDtmf(leg: MediaPathLeg, event: number, durationMs: number): boolean;
  stats(leg: MediaPathLeg): MediaPathStats;
  /** The meters only, into `out`: microphone RMS and peak, speaker RMS and peak (dBFS, last 100 ms; -90 silence), microphone clipped (0/1). */
  levels(leg: MediaPathLeg, out: Float64Array): void;
  /** Joins the media thread; returns what was played. */
  stop(leg: MediaPathLeg): Int16Array;
  close(leg: MediaPathLeg): void;
}

export function mediaPathProblem(): string | undefined;
export function loadMediaPath(): MediaPathAddon;
