export * from './encoding.js';
export * from './client.js';
export * from './sas.js';
