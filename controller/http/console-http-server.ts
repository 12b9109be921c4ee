/**
 * The operator console's web server: serves the built console (visualizer/dist: the console,
 * the port screen, the benchmark page), tells the page where its MQTT broker is
 * (`/config.json`), and, with the embedded broker, carries MQTT over WebSocket at `/mqtt` so
 * the page needs nothing but this one address.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';

export interface ConsoleHttpOptions {
  /** Interface to listen on; 127.0.0.1 keeps the console on this machine. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The built console (index.html, port.html, assets/). */
  distDir: string;
  site: string;
  /**
   * Where the page connects for MQTT over WebSocket. Absent: this server's own `/mqtt`, fed to
   * `mqttStream` (the embedded broker). Set it for an external broker's WebSocket listener.
   */
  mqttUrl?: string;
  /** Takes each browser's MQTT-over-WebSocket stream (the embedded broker's handleStream). */
  mqttStream?: (stream: Duplex, request: IncomingMessage) => void;
  /** Host names the console answers to besides `host` and localhost (e.g. this machine's name). */
  allowedHosts?: string[];
}

export interface ConsoleHttpServer {
  /** `http://host:port/` of the console. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

export async function startConsoleHttpServer(options: ConsoleHttpOptions): Promise<ConsoleHttpServer> {
  const distDir = path.resolve(options.distDir);
  const sockets = new WebSocketServer({ noServer: true });
  const server: Server = createServer((request, response) => serve(request, response));

  function serve(request: IncomingMessage, response: ServerResponse): void {
    try {
      serveFile(request, response);
    } catch (error) {
      // A request must never take the controller down with it.
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `internal error: ${(error as Error).message}\n`);
      else response.destroy();
    }
  }

  function serveFile(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n');
    if (!hostAllowed(request)) return send(response, 403, 'text/plain; charset=utf-8', 'unknown host\n');
    const url = new URL(request.url ?? '/', 'http://console');
    if (url.pathname === '/config.json') {
      const mqttUrl = options.mqttUrl ?? `ws://${request.headers.host ?? `${options.host}:${address().port}`}/mqtt`;
      return send(response, 200, CONTENT_TYPES['.json']!, JSON.stringify({ mqttUrl, site: options.site }));
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    } catch {
      return send(response, 400, 'text/plain; charset=utf-8', 'malformed path\n');
    }
    const file = path.resolve(distDir, `.${relative}`);
    // Nothing outside the built console is served, whatever the path says.
    if (!file.startsWith(distDir + path.sep)) return send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (relative === '/index.html') {
        return send(response, 503, 'text/plain; charset=utf-8', `the console is not built: run "npm run build:console" (looked in ${distDir})\n`);
      }
      return send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      // Built assets carry a content hash in their names; pages must be fetched fresh.
      'cache-control': relative.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file)
      .on('error', () => response.destroy())
      .pipe(response);
  }

  /**
   * Only requests addressed to this server by an IP address, by localhost, or by a name it was
   * told (`host`, `allowedHosts`): a page of another site cannot reach it through a DNS name
   * rebound to this machine.
   */
  function hostAllowed(request: IncomingMessage): boolean {
    const header = request.headers.host;
    if (header === undefined) return false;
    const name = header.replace(/:\d+$/, '');
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-fA-F:.]+\]$/.test(name)) return true;
    return name === 'localhost' || name === options.host || (options.allowedHosts ?? []).includes(name);
  }

  /** A browser's WebSocket carries the page's origin: only this console's own pages may open MQTT. */
  function originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true; // not a browser (a program on this machine)
    return origin === `http://${request.headers.host}`;
  }

  server.on('upgrade', (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://console').pathname;
    if (pathname !== '/mqtt' || !options.mqttStream) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    if (!hostAllowed(request) || !originAllowed(request)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const feed = options.mqttStream;
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      // A browser going away mid-frame is not the server's problem.
      stream.on('error', () => stream.destroy());
      feed(stream, request);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? Object.assign(new Error(`console port ${options.port} on ${options.host} is in use; pass --console-port N (0 for any free port)`), { code: 'EADDRINUSE' })
          : err,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = () => server.address() as AddressInfo;
  const port = address().port;
  return {
    url: `http://${options.host}:${port}/`,
    port,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-cache' });
  response.end(body);
}
