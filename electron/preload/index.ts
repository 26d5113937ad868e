/**
 * The preload: runs sandboxed in the window, exposes the contract as `window.ipsecLab` (what
 * renderer/src/api/client.ts looks for) and nothing else - never ipcRenderer itself.
 * Bundled into one CommonJS file, as a sandboxed preload must be.
 */
import { contextBridge, ipcRenderer } from 'electron';

import { createPreloadApi } from './api.js';

// Nothing is exported: a sandboxed preload is a plain script, not a module.
contextBridge.exposeInMainWorld('ipsecLab', createPreloadApi(ipcRenderer));
