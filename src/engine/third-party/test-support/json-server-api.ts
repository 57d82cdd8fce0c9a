import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import jsonServer from 'json-server';

/** One generated post, shaped like json-server's own example data. */
export interface Post {
  id: number;
  title: string;
  author: string;
  views: number;
}

export interface RunningJsonServer {
  /** Origin, no trailing slash. */
  url: string;
  /** Every request the server received, in arrival order (path with query, answer status). */
  requests: { url: URL; status: number }[];
  close(): Promise<void>;
}

/** `count` posts with ids 1..count. */
export function generatePosts(count: number): Post[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    title: `post ${i + 1}`,
    author: `author ${i % 17}`,
    views: (i * 37) % 1000,
  }));
}

/**
 * json-server 0.17 in this process, on 127.0.0.1 and a free port, serving `{ posts }` from memory
 * with its default middlewares (gzip, CORS) and without its request logger.
 */
export async function startJsonServer(posts: Post[]): Promise<RunningJsonServer> {
  const requests: RunningJsonServer['requests'] = [];
  const app = jsonServer.create();
  app.use((request, response, next) => {
    response.on('finish', () => {
      requests.push({
        url: new URL(request.originalUrl, 'http://127.0.0.1'),
        status: response.statusCode,
      });
    });
    next();
  });
  app.use(jsonServer.defaults({ logger: false }));
  app.use(jsonServer.router({ posts }));

  const server: Server = createServer(app);
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
