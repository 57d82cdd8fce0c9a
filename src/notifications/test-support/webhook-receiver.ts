import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One request the receiver got, with its raw body. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server on 127.0.0.1 that records posts and answers scripted statuses. */
export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Statuses to answer, in order; once used up, every request gets 204. */
  script(statuses: number[]): void;
  /** Holds every answer until `release` (to show that callers do not wait for webhooks). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let statuses: number[] = [];
  let held: (() => void)[] | null = null;

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
      });
      const answer = () => {
        response.statusCode = statuses.shift() ?? 204;
        response.end();
      };
      if (held === null) answer();
      else held.push(answer);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/hooks/notify`,
    requests,
    script: (next) => {
      statuses = [...next];
    },
    hold: () => {
      held = [];
    },
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const answer of waiting) answer();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
