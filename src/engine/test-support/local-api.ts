import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalApi {
  url: string;
  /** Every request received: method, path with query, parsed query, body text. */
  requests: { method: string; url: URL; body: string }[];
  close(): Promise<void>;
}

/** A small real HTTP server on 127.0.0.1 with a handler per test: an API someone else wrote. */
export async function startLocalApi(
  handler: (
    request: { method: string; url: URL; body: string; raw: IncomingMessage },
    response: ServerResponse,
  ) => void,
): Promise<LocalApi> {
  const requests: LocalApi['requests'] = [];
  const server: Server = createServer((raw, response) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => {
      const request = {
        method: raw.method ?? 'GET',
        url: new URL(raw.url ?? '/', 'http://127.0.0.1'),
        body: Buffer.concat(chunks).toString('utf8'),
        raw,
      };
      requests.push({ method: request.method, url: request.url, body: request.body });
      handler(request, response);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON answer. */
export function sendJson(response: ServerResponse, body: unknown, status = 200): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
