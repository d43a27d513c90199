import * as v from 'valibot';
import { CryptoLineViewSchema } from './diagnostics.js';
import { ProblemSchema } from '../ipc/errors.js';
import { SrtpPolicySchema, TlsVerifyModeSchema, TransportSchema } from './account.js';

/** Why a call ended: the closed list the history and the call screen show (words made in main). */
export const END_CODES = [
  'hangup-local',
  'hangup-remote',
  'cancelled',
  'missed',
  'do-not-disturb',
  'busy',
  'declined',
  'unavailable',
  'not-found',
  'no-answer',
  'media-refused',
  'auth-failed',
  'forbidden',
  'transferred',
  'replaced',
  'session-expired',
  'transport',
  'failed',
] as const;
export const EndCodeSchema = v.picklist(END_CODES);
export type EndCodeName = v.InferOutput<typeof EndCodeSchema>;

export const EndReasonViewSchema = v.object({
  code: EndCodeSchema,
  /** The SIP status that ended it, when one did. */
  status: v.nullable(v.number()),
  /** One plain sentence. */
  message: v.string(),
});
export type EndReasonView = v.InferOutput<typeof EndReasonViewSchema>;

export const CALL_STATES = ['dialing', 'ringing', 'early', 'active', 'held', 'remote-held', 'transferring', 'ended'] as const;
export const CallStateSchema = v.picklist(CALL_STATES);
export type CallStateName = v.InferOutput<typeof CallStateSchema>;

/** What a person may do with a call right now (main decides; the renderer never re-derives it). */
export const CALL_ACTIONS = ['answer', 'decline', 'hangup', 'hold', 'resume', 'mute', 'unmute', 'dtmf', 'transfer', 'attended-transfer', 'swap'] as const;
export const CallActionSchema = v.picklist(CALL_ACTIONS);
export type CallAction = v.InferOutput<typeof CallActionSchema>;

export const PartySchema = v.object({
  /** `sips:bob@pbx.example.com`, `tel:+4930123`. */
  uri: v.string(),
  /** What to show: the display name, else the number or user@host. */
  label: v.string(),
  displayName: v.nullable(v.string()),
});
export type PartyView = v.InferOutput<typeof PartySchema>;

/** How the call is protected, in words a person can check. */
export const CallSecurityViewSchema = v.object({
  /** Overall: secure (TLS verified + SRTP), weaker (chain-only, or only the first hop is TLS), insecure. */
  level: v.picklist(['secure', 'weaker', 'insecure', 'pending']),
  signalling: v.object({
    transport: TransportSchema,
    tlsVersion: v.nullable(v.string()),
    cipher: v.nullable(v.string()),
    verification: v.nullable(TlsVerifyModeSchema),
    /** `every-hop`: sips: (every proxy must use TLS); `first-hop`: only our hop is known to be TLS. */
    hops: v.picklist(['every-hop', 'first-hop', 'none']),
    summary: v.string(),
  }),
  media: v.object({
    encrypted: v.boolean(),
    /** The SRTP suite in use (AES_CM_128_HMAC_SHA1_80), or null. */
    suite: v.nullable(v.string()),
    policy: SrtpPolicySchema,
    /** Why there is (or is no) SRTP, as a closed code from the negotiator. */
    reasonCode: v.nullable(v.string()),
    /** The negotiation in words: offered → chosen → why. */
    offered: v.array(v.string()),
    chosen: v.nullable(v.string()),
    why: v.string(),
    summary: v.string(),
    warnings: v.array(v.string()),
    /** Who made the offer the `lines` come from: us (we called or re-offered) or the far end; null before any. */
    offeredBy: v.nullable(v.picklist(['us', 'them'])),
    /** Every a=crypto line of the offer with its verdict and the reason (no key material). */
    lines: v.array(CryptoLineViewSchema),
    /** The media profile the far end answered or offered (RTP/SAVP, RTP/AVP), or null. */
    remoteProfile: v.nullable(v.string()),
  }),
});
export type CallSecurityView = v.InferOutput<typeof CallSecurityViewSchema>;

/** Quality from RTCP and the jitter buffer (every few seconds while the call runs). */
export const CallQualityViewSchema = v.object({
  callId: v.string(),
  codec: v.nullable(v.string()),
  /** ITU-T G.107 estimate 1–4.5, null until there is enough data. */
  mos: v.nullable(v.number()),
  lossPercent: v.number(),
  remoteLossPercent: v.nullable(v.number()),
  jitterMs: v.number(),
  rttMs: v.nullable(v.number()),
  jitterBufferMs: v.nullable(v.number()),
  packetsSent: v.number(),
  packetsReceived: v.number(),
  packetsLost: v.number(),
  concealedFrames: v.number(),
  /** good ≥ 4.0, fair ≥ 3.6, poor below (null MOS: unknown). */
  rating: v.picklist(['good', 'fair', 'poor', 'unknown']),
});
export type CallQualityView = v.InferOutput<typeof CallQualityViewSchema>;

/** Meters over the last ~100 ms in dBFS, floored at −100 (silence), after the volume settings. */
export const LevelsViewSchema = v.object({
  callId: v.string(),
  inputRmsDbfs: v.number(),
  inputPeakDbfs: v.number(),
  outputRmsDbfs: v.number(),
  outputPeakDbfs: v.number(),
  inputClipped: v.boolean(),
});
export type LevelsView = v.InferOutput<typeof LevelsViewSchema>;

/** The devices a call's audio uses. */
export const CallAudioViewSchema = v.object({
  backend: v.string(),
  captureDeviceId: v.nullable(v.string()),
  playbackDeviceId: v.nullable(v.string()),
  echoCancellation: v.boolean(),
});

export const CallViewSchema = v.object({
  id: v.string(),
  accountId: v.string(),
  direction: v.picklist(['outgoing', 'incoming']),
  remote: PartySchema,
  state: CallStateSchema,
  /** ISO 8601 times: created, answered (null before), ended (null before). */
  startedAt: v.string(),
  answeredAt: v.nullable(v.string()),
  endedAt: v.nullable(v.string()),
  muted: v.boolean(),
  held: v.boolean(),
  remoteHeld: v.boolean(),
  /** What the person may do now. */
  actions: v.array(CallActionSchema),
  /** For an attended transfer: the other call this one can be connected with. */
  consultationOf: v.nullable(v.string()),
  endReason: v.nullable(EndReasonViewSchema),
  security: CallSecurityViewSchema,
  audio: v.nullable(CallAudioViewSchema),
});
export type CallView = v.InferOutput<typeof CallViewSchema>;

export const CallListSchema = v.object({ calls: v.array(CallViewSchema) });

export const DtmfReceivedSchema = v.object({ callId: v.string(), digit: v.string(), via: v.picklist(['rfc4733', 'info']) });

const CallIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const AccountIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

/** `calls.dial`: a number, `user@host`, or a sip:/sips:/tel: URI, from an account (default: the default account). */
export const DialSchema = v.strictObject({
  accountId: v.optional(AccountIdSchema),
  target: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(512)),
});
export const CallIdRequestSchema = v.strictObject({ callId: CallIdSchema });
export const DeclineSchema = v.strictObject({ callId: CallIdSchema, reason: v.optional(v.picklist(['busy', 'decline']), 'decline') });
export const MuteSchema = v.strictObject({ callId: CallIdSchema, muted: v.boolean() });
export const DtmfSchema = v.strictObject({ callId: CallIdSchema, digits: v.pipe(v.string(), v.minLength(1), v.maxLength(32), v.regex(/^[0-9*#A-Da-d]+$/, 'digits 0-9, *, #, A-D')) });
export const TransferSchema = v.strictObject({ callId: CallIdSchema, target: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(512)) });
/** Attended transfer, step one: put `callId` on hold and call `target` (the consultation). */
export const ConsultSchema = TransferSchema;
/** Attended transfer, step two: connect the far ends of `callId` and `consultCallId`. */
export const CompleteTransferSchema = v.strictObject({ callId: CallIdSchema, consultCallId: CallIdSchema });
export const CallDevicesSchema = v.strictObject({
  callId: CallIdSchema,
  captureDeviceId: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
  playbackDeviceId: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
});

/** `calls.problem`: a failure inside a call that does not end it. */
export const CallProblemSchema = v.object({ callId: v.string(), problem: ProblemSchema });
export type CallProblem = v.InferOutput<typeof CallProblemSchema>;
