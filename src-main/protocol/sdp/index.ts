/** SDP (RFC 8866/4566) and the offer/answer model (RFC 3264) with SDES. See README.md. */
export type {
  Attribute,
  Bandwidth,
  Connection,
  Direction,
  MediaDescription,
  Origin,
  SessionDescription,
  TimeDescription,
  UnknownLine,
} from './session-description.js';
export { DIRECTIONS } from './session-description.js';
export { parseSdp, MAX_SDP_LENGTH, type SdpParseError, type SdpParseErrorCode } from './sdp-parser.js';
export { serializeSdp, attributeLine } from './sdp-serializer.js';
export {
  rtpMaps,
  fmtps,
  ptime,
  maxptime,
  mediaDirection,
  mediaConnection,
  connectionAddress,
  rtcpAttribute,
  hasRtcpMux,
  attributeValues,
  STATIC_PAYLOAD_TYPES,
  type RtpMap,
  type RtcpAttribute,
} from './media-attributes.js';
export { answerDirection, offererDirection, reverse, sameCodec, type CodecSpec } from './codec-negotiation.js';
export {
  createOffer,
  createAnswer,
  applyAnswer,
  type LocalMediaConfig,
  type OfferAnswerContext,
  type NegotiatedMedia,
  type NegotiatedSession,
  type PendingOffer,
  type OfferError,
  type OfferErrorCode,
  type AnswerRefusal,
  type AnswerErrorCode,
  type AnswerResult,
  type ApplyAnswerError,
  type ApplyAnswerErrorCode,
} from './offer-answer.js';
