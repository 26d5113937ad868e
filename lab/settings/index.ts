export * from './addresses.js';
export * from './defaults.js';
export * from './io.js';
export * from './proposals.js';
export * from './types.js';
export * from './validate.js';
