/**
 * The base of every error the product raises on purpose. `code` is stable and machine-readable
 * (it appears in `run --json`, API errors and logs); `message` says what failed, where, and
 * expected versus actual, and never holds a secret.
 */
export class HotjarFlowError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }

  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}
