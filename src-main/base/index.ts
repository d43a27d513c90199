export * from './disposable.js';
export * from './event.js';
export * from './result.js';
export * from './clock.js';
export * from './rng.js';
export * from './logger.js';
export * from './redact.js';
export * from './bytes.js';
