import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { request } from 'undici';

/** Replays bytes as a stream of `size`-byte chunks (1: a chunk boundary after every byte). */
export async function* chunksOf(
  bytes: Uint8Array | string,
  size: number,
): AsyncGenerator<Uint8Array> {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  for (let start = 0; start < buffer.length; start += size) {
    await Promise.resolve();
    yield buffer.subarray(start, start + size);
  }
}

/** Reads a whole async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export interface BodyServer {
  url: string;
  close(): Promise<void>;
}

/** A real node:http server on 127.0.0.1, on a free port. */
export async function startBodyServer(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
): Promise<BodyServer> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Fetches a URL with undici and hands back the body stream with the headers that describe it. */
export async function fetchBody(url: string): Promise<{
  body: AsyncIterable<Uint8Array>;
  contentEncoding: string | undefined;
  contentLength: number | undefined;
}> {
  const response = await request(url);
  const encoding = response.headers['content-encoding'];
  const length = response.headers['content-length'];

  return {
    body: response.body,
    contentEncoding: typeof encoding === 'string' ? encoding : undefined,
    contentLength: typeof length === 'string' ? Number(length) : undefined,
  };
}
