/** RTP/RTCP protocol layer (pure). See README.md for the RFC feature table. */
export * from './rtp-packet.js';
export * from './rtp-sender-state.js';
export * from './rtcp-packet.js';
export * from './ntp-time.js';
export * from './reception-stats.js';
export * from './e-model.js';
export * from './jitter-buffer.js';
export * from './sliding-window-stats.js';
export * from './telephone-event.js';
export * from './telephone-event-sender.js';
export * from './telephone-event-receiver.js';
export * from './comfort-noise.js';
export * from './rtcp-reporter.js';
