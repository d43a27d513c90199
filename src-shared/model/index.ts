export * from './app-info.js';
export * from './dial-request.js';
export * from './settings.js';
export * from './account.js';
