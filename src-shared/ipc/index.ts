export * from './contract.js';
export * from './define.js';
export * from './errors.js';
export * from './client.js';
