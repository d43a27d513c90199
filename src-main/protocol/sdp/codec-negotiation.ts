/**
 * Codec and direction rules of the offer/answer model (RFC 3264 §5.1, §6.1, §7; RFC 3551 static
 * payload types; RFC 4733 telephone-event).
 */
import { fmtps, rtpMaps, type RtpMap } from './media-attributes.js';
import type { Direction, MediaDescription } from './session-description.js';

/** A codec as we configure and negotiate it. */
export interface CodecSpec {
  readonly payloadType: number;
  readonly encodingName: string;
  readonly clockRate: number;
  readonly channels?: number;
  readonly fmtp?: string;
}

export function sameCodec(a: { encodingName: string; clockRate: number; channels?: number }, b: { encodingName: string; clockRate: number; channels?: number }): boolean {
  return a.encodingName.toLowerCase() === b.encodingName.toLowerCase() && a.clockRate === b.clockRate && (a.channels ?? 1) === (b.channels ?? 1);
}

/** Codecs that are not media of their own (DTMF events, comfort noise). */
export function isAuxiliaryCodec(c: { encodingName: string }): boolean {
  const n = c.encodingName.toLowerCase();
  return n === 'telephone-event' || n === 'cn';
}

/** The codecs of an m= line in its format order, with rtpmap/fmtp resolved. */
export function offeredCodecs(m: MediaDescription): CodecSpec[] {
  const maps = rtpMaps(m);
  const f = fmtps(m);
  const out: CodecSpec[] = [];
  for (const fmt of m.formats) {
    if (!/^[0-9]{1,3}$/.test(fmt)) continue;
    const map: RtpMap | undefined = maps.get(Number(fmt));
    if (map === undefined) continue;
    const fmtp = f.get(map.payloadType);
    out.push({ ...map, ...(fmtp === undefined ? {} : { fmtp }) });
  }
  return out;
}

/**
 * The answerer's codec list (RFC 3264 §6.1): the offered codecs we also support, in the offerer's
 * order, with the offerer's payload type numbers. Our fmtp is used for real codecs; for
 * telephone-event the offered event list is kept.
 */
export function answerCodecs(offered: readonly CodecSpec[], ours: readonly CodecSpec[]): CodecSpec[] {
  const out: CodecSpec[] = [];
  for (const o of offered) {
    const mine = ours.find((c) => sameCodec(c, o));
    if (mine === undefined || out.some((c) => sameCodec(c, o))) continue;
    const fmtp = o.encodingName.toLowerCase() === 'telephone-event' ? (o.fmtp ?? mine.fmtp) : (mine.fmtp ?? o.fmtp);
    out.push({
      payloadType: o.payloadType,
      encodingName: o.encodingName,
      clockRate: o.clockRate,
      ...(o.channels === undefined ? {} : { channels: o.channels }),
      ...(fmtp === undefined ? {} : { fmtp }),
    });
  }
  return out;
}

/** The offerer's view of the answer's codecs: those matching something we offered, with the answer's numbers. */
export function acceptedCodecs(answered: readonly CodecSpec[], offered: readonly CodecSpec[]): CodecSpec[] {
  return answered.filter((a) => offered.some((o) => sameCodec(o, a)));
}

/** First codec that carries media (not telephone-event or CN): what we send. */
export function sendCodec(codecs: readonly CodecSpec[]): CodecSpec | undefined {
  return codecs.find((c) => !isAuxiliaryCodec(c));
}

/**
 * The telephone-event format to send DTMF with: the one at the audio codec's RTP clock rate when
 * agreed (RFC 4733 §2.1: events share the audio stream's timestamp clock), else the first.
 */
export function telephoneEvent(codecs: readonly CodecSpec[], audioClockRate?: number): CodecSpec | undefined {
  const events = codecs.filter((c) => c.encodingName.toLowerCase() === 'telephone-event');
  return events.find((c) => c.clockRate === audioClockRate) ?? events[0];
}

const SENDS: Record<Direction, boolean> = { sendrecv: true, sendonly: true, recvonly: false, inactive: false };
const RECEIVES: Record<Direction, boolean> = { sendrecv: true, sendonly: false, recvonly: true, inactive: false };

export function direction(sends: boolean, receives: boolean): Direction {
  if (sends) return receives ? 'sendrecv' : 'sendonly';
  return receives ? 'recvonly' : 'inactive';
}

/** The direction seen from the other side (what the peer does when we do `d`). */
export function reverse(d: Direction): Direction {
  return direction(RECEIVES[d], SENDS[d]);
}

/**
 * The answer's direction (RFC 3264 §6.1): we send only if the offerer receives and we want to
 * send; we receive only if the offerer sends and we want to receive.
 */
export function answerDirection(offered: Direction, ours: Direction): Direction {
  return direction(RECEIVES[offered] && SENDS[ours], SENDS[offered] && RECEIVES[ours]);
}

/** The offerer's effective direction once the answer is in (RFC 3264 §7). */
export function offererDirection(offered: Direction, answered: Direction): Direction {
  return direction(SENDS[offered] && RECEIVES[answered], RECEIVES[offered] && SENDS[answered]);
}
