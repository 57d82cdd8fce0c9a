import { createHmac, timingSafeEqual } from 'node:crypto';

/** A decoded cursor: which list it belongs to and the keyset position it points after. */
export interface CursorPayload {
  /** The list the cursor was issued for, e.g. `r/<site>/<survey>`; another list rejects it. */
  scope: string;
  /** Empty for "from the start". */
  position: readonly number[];
  nonce: number;
}

const MAC_BYTES = 16;

/**
 * Opaque, tamper-evident cursors: base64url of `scope|position|nonce` followed by a truncated
 * HMAC. The key comes from the seed, so one seed gives the same cursor bytes in any process.
 * TODO(#2): cursors are signed, not encrypted: base64 decoding reveals the keyset position.
 */
export class CursorCodec {
  constructor(private readonly key: Buffer) {}

  /** `nonce` makes otherwise equal cursors differ (used by the endless-empty-page fault). */
  encode(scope: string, position: readonly number[], nonce = 0): string {
    const body = Buffer.from(`${scope}|${position.join(',')}|${nonce}`);
    return Buffer.concat([body, this.mac(body)]).toString('base64url');
  }

  /** The payload, or null when the cursor is malformed, altered, or belongs to another list. */
  decode(cursor: string, scope: string): CursorPayload | null {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) {
      return null;
    }

    const raw = Buffer.from(cursor, 'base64url');
    if (raw.length <= MAC_BYTES) {
      return null;
    }

    const body = raw.subarray(0, raw.length - MAC_BYTES);
    if (!timingSafeEqual(raw.subarray(raw.length - MAC_BYTES), this.mac(body))) {
      return null;
    }

    const [cursorScope, position, nonce] = body.toString().split('|');
    if (cursorScope !== scope || position === undefined || nonce === undefined) {
      return null;
    }

    const numbers = position === '' ? [] : position.split(',').map(Number);
    return { scope, position: numbers, nonce: Number(nonce) };
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, MAC_BYTES);
  }
}
