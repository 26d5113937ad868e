/**
 * What electron-vite puts into the main process's bundle at build time (Vite's import.meta.env),
 * as far as main uses it. Undefined when the sources run unbundled (tests under Node).
 */
interface ImportMetaEnv {
  /** True only in a development build (`electron-vite dev`); false in `electron-vite build`. */
  readonly DEV: boolean;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
