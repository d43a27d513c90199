/** Public surface of SIP dialogs (RFC 3261 §12–§15). */
export * from './dialog.js';
export * from './dialog-id.js';
export * from './route-set.js';
