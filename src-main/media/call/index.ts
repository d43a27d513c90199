/** The call media pipeline behind the CallMedia port (../call-media.ts). See README.md. */
export { CallMediaEngine, createDefaultCodecRegistry, type CallMediaEngineOptions } from './call-media-engine.js';
export { CallMediaSession, type CallMediaDiagnostics, type CallMediaSessionDeps } from './call-media-session.js';
export { fileAudioProvider, deviceAudioProvider, type CallAudio, type CallAudioProvider, type CallAudioRequest, type DeviceSelection, type FileAudioFactories } from './call-audio.js';
export type { RtpDatagram, RtpSocket, RtpSocketError, RtpSocketErrorCode, RtpSocketFactory } from './rtp-socket-port.js';
export { RtpSocketPairPool, type PortRange } from './rtp-port-allocation.js';
export { TELEPHONE_EVENT } from './local-media-config.js';
export { warmCallMediaHotPath, type HotPathWarmUpOptions, type HotPathWarmUpReport } from './hot-path-warm-up.js';
