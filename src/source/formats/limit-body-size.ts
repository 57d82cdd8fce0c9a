import { ResponseTooLargeError } from '../../errors/errors.js';

/**
 * Passes a (decoded) body through, counting its bytes; once it holds more than `maxBytes` the
 * stream is abandoned (which destroys the upstream socket) and a ResponseTooLargeError says the
 * size seen, the limit, and how to raise it. Without `maxBytes` nothing is limited.
 */
export async function* limitBodySize(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number | undefined,
): AsyncGenerator<Uint8Array> {
  let total = 0;

  for await (const chunk of body) {
    total += chunk.length;
    if (maxBytes !== undefined && total > maxBytes) throw tooLarge(total, maxBytes);
    yield chunk;
  }
}

function tooLarge(seen: number, maxBytes: number): ResponseTooLargeError {
  const message =
    `the response body is too large: more than ${formatBytes(maxBytes)} after decoding ` +
    `(${formatBytes(seen)} read when it was stopped, limit ${formatBytes(maxBytes)}); ` +
    'raise source.max_response_bytes if responses this large are expected';

  return new ResponseTooLargeError(message, { details: { maxBytes, bytesRead: seen } });
}

/** `12345678` → `12,345,678 bytes (11.8 MiB)`. */
export function formatBytes(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes < 1024) return exact;

  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${exact} (${value.toFixed(1)} ${units[unit] ?? 'TiB'})`;
}
