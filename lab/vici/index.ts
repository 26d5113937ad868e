export * from './client.js';
export * from './encoding.js';
export * from './sas.js';
