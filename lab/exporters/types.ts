/** A setting the target format cannot express; `field` is its path in the lab settings. */
export class ExportError extends Error {
  readonly code = 'export-error';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'ExportError';
  }
}

export interface ExportOptions {
  /** Include the pre-shared key; by default it is masked, since exports end up in tickets and mails. */
  revealSecrets?: boolean;
}
