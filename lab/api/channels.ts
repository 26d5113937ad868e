/** IPC channel names of the Electron host: one channel per contract method, one for events. */
export const IPC_PREFIX = 'ipsec-lab:';
export const IPC_EVENT_CHANNEL = 'ipsec-lab:event';
export const ipcChannel = (method: string) => `${IPC_PREFIX}${method}`;
