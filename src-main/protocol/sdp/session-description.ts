/**
 * The SDP data model (RFC 8866 §5, obsoleting RFC 4566): a session description with its media
 * descriptions, every field kept as text where the value space is open (addresses, times,
 * session ids that exceed 2^53), so that anything we parse serializes again.
 *
 * Values are plain data (no classes): they cross into reports, logs and tests as they are. Note
 * that `a=crypto` attribute values carry SDES keys; see sdes/ for masking.
 */

export interface SessionDescription {
  /** v= (always 0). */
  readonly version: number;
  /** o= */
  readonly origin: Origin;
  /** s= ("-" when a peer omitted it or left it empty). */
  readonly sessionName: string;
  /** i= */
  readonly information?: string;
  /** u= */
  readonly uri?: string;
  /** e= lines */
  readonly emails: readonly string[];
  /** p= lines */
  readonly phones: readonly string[];
  /** Session-level c= */
  readonly connection?: Connection;
  /** b= lines */
  readonly bandwidths: readonly Bandwidth[];
  /** t= lines, each with its r= lines ("0 0" when a peer omitted t=). */
  readonly times: readonly TimeDescription[];
  /** z= (kept as text) */
  readonly timeZones?: string;
  /** k= (obsolete; kept as text) */
  readonly encryptionKey?: string;
  /** Session-level a= lines, in order. */
  readonly attributes: readonly Attribute[];
  /** Lines with a type letter SDP does not define, kept to be written back (RFC 8866 §5). */
  readonly unknownLines: readonly UnknownLine[];
  readonly media: readonly MediaDescription[];
}

export interface Origin {
  readonly username: string;
  /** Numeric string; may exceed 2^53. */
  readonly sessionId: string;
  /** Numeric string; may exceed 2^53. */
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

export interface Connection {
  readonly netType: string;
  /** IP4 or IP6 (kept as written). */
  readonly addrType: string;
  /** The address, with any /ttl/count suffix as written. */
  readonly address: string;
}

export interface Bandwidth {
  readonly type: string;
  readonly value: number;
}

export interface TimeDescription {
  readonly start: string;
  readonly stop: string;
  readonly repeats: readonly string[];
}

export interface Attribute {
  readonly name: string;
  /** Absent for property attributes (`a=rtcp-mux`); present (possibly empty) for `a=name:value`. */
  readonly value?: string;
}

export interface UnknownLine {
  readonly type: string;
  readonly value: string;
}

export interface MediaDescription {
  /** audio, video, text, application, message, or an unknown media type. */
  readonly type: string;
  /** 0 rejects or disables the stream (RFC 3264 §6). */
  readonly port: number;
  /** The `/n` of `m=audio 49170/2 ...`, if present. */
  readonly portCount?: number;
  /** RTP/AVP, RTP/SAVP, RTP/SAVPF, UDP/TLS/RTP/SAVP, ... */
  readonly protocol: string;
  /** Payload type numbers (RTP profiles) or other format tokens. */
  readonly formats: readonly string[];
  readonly information?: string;
  readonly connections: readonly Connection[];
  readonly bandwidths: readonly Bandwidth[];
  readonly encryptionKey?: string;
  readonly attributes: readonly Attribute[];
  readonly unknownLines: readonly UnknownLine[];
}

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export const DIRECTIONS: readonly Direction[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];
