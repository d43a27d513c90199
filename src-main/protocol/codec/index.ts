/** Audio codecs (pure TypeScript). See README.md. Opus (native) lives in media/codecs. */
export * from './codec.js';
export * from './codec-registry.js';
export * from './g711.js';
export * from './g711-codec.js';
export * from './g722.js';
export * from './g722-codec.js';
export * from './waveform-plc.js';
export * from './opus-packet.js';
