export * from './capture.js';
export * from './pcap.js';
