export * from './types.js';
export * from './defaults.js';
export * from './validate.js';
export * from './addresses.js';
export * from './proposals.js';
export * from './io.js';
