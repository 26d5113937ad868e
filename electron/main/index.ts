/**
 * The Electron host: one window on the lab, the UI contract over IPC, nothing else. The pieces
 * with rules in them (window options, CSP, navigation and permission refusal, the sender check,
 * validated dispatch) are plain modules beside this one; here they are only wired to Electron.
 *
 * The lab is named by IPSEC_LAB_NAME (default "lab"), as for the CLI. A lab started from this
 * window is removed when the app quits; one that was already running is left as it was.
 */
import { fileURLToPath } from 'node:url';

import { app, BrowserWindow, ipcMain, session } from 'electron';

import { LabService } from '../../lab/api/service.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { appOrigin, devServerUrl } from './app-origin.js';
import { contentSecurityPolicy } from './csp.js';
import { denyNavigation, hardenSession } from './hardening.js';
import { forwardEvents, registerIpc } from './ipc.js';
import { createWindow } from './window-options.js';

const built = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
// out/main/index.js beside out/preload/index.cjs and out/renderer/index.html.
const PRELOAD = built('../preload/index.cjs');
const INDEX_HTML = built('../renderer/index.html');

const log = (line: string) => console.error(`ipsec-lab: ${line}`);

async function main(): Promise<void> {
  // Before any window: every renderer is sandboxed, whatever a window's options say.
  app.enableSandbox();
  // Every web contents (our window, and any other that could ever appear) is refused
  // navigation, popups and <webview> from birth.
  app.on('web-contents-created', (_event, contents) =>
    denyNavigation(contents, (r) => log(`refused ${r.what}: ${r.target}`)),
  );
  if (!app.requestSingleInstanceLock()) {
    log('IPsec Lab is already open');
    app.quit();
    return;
  }
  await app.whenReady();

  const origin = appOrigin(
    INDEX_HTML,
    // import.meta.env is the bundler's: absent when the sources run unbundled, which is not development.
    devServerUrl({ development: import.meta.env?.DEV === true, packaged: app.isPackaged, env: process.env }),
  );
  hardenSession(session.defaultSession, contentSecurityPolicy({ devOrigin: origin.devOrigin }), (r) =>
    log(`refused ${r.what}: ${r.target}`),
  );

  const engine = LabEngine.connect();
  const service = new LabService(engine);
  const unregister = registerIpc(ipcMain, service, origin, { onRefused: (m, why) => log(`refused IPC ${m}: ${why}`) });
  void service.start().catch((e) => log(`could not check the Docker engine: ${(e as Error).message}`));

  const win = createWindow(BrowserWindow, PRELOAD);
  const stopEvents = forwardEvents(service, win.webContents);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(origin.url);

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());

  let leaving = false;
  app.on('before-quit', (event) => {
    if (leaving) return;
    // Hold the quit until the lab this window started is removed: no debris behind the app.
    event.preventDefault();
    leaving = true;
    stopEvents();
    unregister();
    const owned = service.ownsLab;
    void service
      .dispose()
      .then(() =>
        owned
          ? (log(`removing lab "${engine.name}" (started from the app)`), engine.down().then(() => undefined))
          : engine.close(),
      )
      .catch((e) => log(`cleanup failed: ${(e as Error).message}`))
      .finally(() => app.exit(0));
  });
}

main().catch((e) => {
  log(`could not start: ${(e as Error)?.stack ?? e}`);
  app.exit(1);
});
