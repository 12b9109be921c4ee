/**
 * The operator console's web server: serves the built console (visualizer/dist: the console,
 * the port screen, the benchmark page) to people who logged in, tells the page where its MQTT
 * broker is and who is logged in (`/config.json`), and, with the embedded broker, carries MQTT
 * over WebSocket at `/mqtt` so the page needs nothing but this one address.
 *
 * Logins (POST /login, /logout, GET /session) make a session held in an HttpOnly, SameSite=Strict
 * cookie: page scripts cannot read it, other sites' pages cannot send it. The session is the
 * page's MQTT identity: the broker is told whose WebSocket it is, so the page sends no password.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import type { Identity } from '../security/identities.ts';
import type { IdentityStore } from '../security/identity-store.ts';
import { EXPOSITION_CONTENT_TYPE } from '../metrics/prometheus.ts';
import { spendVerifyTime, verifyPassword } from '../security/password-hash.ts';
import { ConsoleSessions, type ConsoleSession } from './console-sessions.ts';

export interface ConsoleHttpOptions {
  /** Interface to listen on; 127.0.0.1 keeps the console on this machine. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The built console (index.html, port.html, assets/). */
  distDir: string;
  site: string;
  /** Takes each browser's MQTT-over-WebSocket stream with the identity of its session (the embedded broker's handleStream). */
  mqttStream?: (stream: Duplex, request: IncomingMessage, identity: Identity) => void;
  /** Host names the console answers to besides `host` and localhost (e.g. this machine's name). */
  allowedHosts?: string[];
  /** Who may log in (people and port screens). */
  identities: IdentityStore;
  /** HTTPS (and WSS) with the site's certificate; the session cookie is then marked Secure. */
  tls?: { cert: string; key: string };
  /** The newest entries of the operators' audit log, newest first, for GET /audit. */
  auditLog?: (limit: number) => unknown[];
  /** The site's figures in Prometheus text, for GET /metrics. */
  metrics?: () => string;
  /** KPI samples of the last `hours` (at most 24), oldest first, for GET /kpi-history?hours=H. */
  kpiHistory?: (hours: number) => unknown;
}

export interface ConsoleHttpServer {
  /** `http://host:port/` (or https) of the console. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const SESSION_COOKIE = 'gridline_session';
/** Pages and files anyone may fetch: the login page, the benchmark page and the built code (no facility data in them). */
const PUBLIC_PATHS = /^\/(login\.html|bench\.html|assets\/.*|favicon\.ico)$/;
const MAX_LOGIN_BODY_BYTES = 4096;
/** Who may read /metrics with HTTP Basic auth: a site's monitoring, and people. */
const METRICS_ROLES: ReadonlySet<string> = new Set(['monitor', 'viewer', 'operator', 'supervisor']);
/** How often open WebSockets are checked against their sessions (expired, logged out, identity changed), ms. */
const SESSION_CHECK_MS = 2_000;
const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // The pages talk only to this server (config.json, /session, /audit, /kpi-history, /mqtt): not to another broker.
  'content-security-policy': "frame-ancestors 'none'; connect-src 'self'",
};

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
  const sessions = new ConsoleSessions({ identities: options.identities });
  /** Each open WebSocket with the session it was opened under. */
  const socketSessions = new Map<WebSocket, ConsoleSession>();
  const scheme = options.tls ? 'https' : 'http';
  const handler = (request: IncomingMessage, response: ServerResponse) => void serve(request, response);
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createServer(handler);

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await route(request, response);
    } catch (error) {
      // A request must never take the controller down with it; what went wrong is for the log, not the browser.
      console.error(`console web server: ${request.method} ${JSON.stringify(request.url)}: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hostAllowed(request)) return send(response, 403, 'text/plain; charset=utf-8', 'unknown host\n');
    const url = new URL(request.url ?? '/', 'http://console');
    if (request.method === 'POST') {
      // A form on another site's page cannot log anyone in or out here.
      if (!originAllowed(request)) return send(response, 403, 'text/plain; charset=utf-8', 'foreign origin\n');
      if (url.pathname === '/login') return login(request, response);
      if (url.pathname === '/logout') return logout(request, response);
      return send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain; charset=utf-8', 'only GET, HEAD and POST\n');
    if (PUBLIC_PATHS.test(url.pathname)) return serveFile(request, response, url);
    // A site's monitoring scrapes with HTTP Basic auth (a monitor identity, or a person's); a person's browser with its session.
    if (url.pathname === '/metrics' && request.headers.authorization?.startsWith('Basic ')) return metricsWithBasicAuth(request, response);
    const session = sessions.lookup(sessionToken(request));
    if (!session) {
      if (url.pathname === '/' || url.pathname.endsWith('.html')) {
        response.writeHead(303, { location: `/login.html?next=${encodeURIComponent(url.pathname + url.search)}`, 'cache-control': 'no-cache' });
        return void response.end();
      }
      return send(response, 401, 'text/plain; charset=utf-8', 'log in first (POST /login)\n');
    }
    const user = { name: session.identity.name, role: session.identity.role, scope: session.identity.scope };
    if (url.pathname === '/session') return send(response, 200, CONTENT_TYPES['.json']!, JSON.stringify(user));
    if (url.pathname === '/config.json') {
      const mqttUrl = `${options.tls ? 'wss' : 'ws'}://${request.headers.host ?? `${options.host}:${address().port}`}/mqtt`;
      return send(response, 200, CONTENT_TYPES['.json']!, JSON.stringify({ mqttUrl, site: options.site, user }));
    }
    if (url.pathname === '/metrics' || url.pathname === '/kpi-history') {
      if (session.identity.role === 'port') return send(response, 403, 'text/plain; charset=utf-8', 'port screens do not read the facility\'s figures\n');
      if (url.pathname === '/metrics') return sendMetrics(response);
      const hours = Math.min(24, Math.max(0.1, Number(url.searchParams.get('hours') ?? 1) || 1));
      return send(response, 200, CONTENT_TYPES['.json']!, JSON.stringify(options.kpiHistory?.(hours) ?? []));
    }
    if (url.pathname === '/audit') {
      if (session.identity.role === 'port') return send(response, 403, 'text/plain; charset=utf-8', 'port screens do not read the audit log\n');
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
      return send(response, 200, CONTENT_TYPES['.json']!, JSON.stringify(options.auditLog?.(limit) ?? []));
    }
    return serveFile(request, response, url);
  }

  function sendMetrics(response: ServerResponse): void {
    if (!options.metrics) return send(response, 404, 'text/plain; charset=utf-8', 'no metrics here\n');
    send(response, 200, EXPOSITION_CONTENT_TYPE, options.metrics());
  }

  async function metricsWithBasicAuth(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const decoded = Buffer.from(request.headers.authorization!.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const name = colon < 0 ? '' : decoded.slice(0, colon);
    const record = options.identities.get(name);
    const ok = record !== undefined && METRICS_ROLES.has(record.role) ? await verifyPassword(decoded.slice(colon + 1), record.passwordHash) : (await spendVerifyTime(decoded), false);
    if (!ok) {
      response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Basic realm="gridline metrics"', 'cache-control': 'no-store' });
      return void response.end('a monitor identity (or a person\'s) and its password, please\n');
    }
    sendMetrics(response);
  }

  async function login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, MAX_LOGIN_BODY_BYTES);
    const fields = parseLoginBody(body);
    if (!fields) {
      return send(response, 400, CONTENT_TYPES['.json']!, JSON.stringify({ error: 'send {"name": "...", "password": "..."} as JSON (at most 4 KiB)' }));
    }
    const result = await sessions.login(fields.name, fields.password, request.socket.remoteAddress ?? 'unknown', sessionToken(request));
    if (!result.ok) return send(response, result.status, CONTENT_TYPES['.json']!, JSON.stringify({ error: result.reason }));
    const { identity } = result.session;
    response.writeHead(200, {
      'content-type': CONTENT_TYPES['.json']!,
      'cache-control': 'no-store',
      'set-cookie': `${SESSION_COOKIE}=${result.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(sessions.sessionMs / 1000)}${options.tls ? '; Secure' : ''}`,
    });
    response.end(JSON.stringify({ name: identity.name, role: identity.role, scope: identity.scope }));
  }

  function logout(request: IncomingMessage, response: ServerResponse): void {
    const token = sessionToken(request);
    const session = sessions.lookup(token);
    sessions.logout(token);
    if (session) for (const [socket, opened] of socketSessions) if (opened === session) socket.terminate();
    response.writeHead(204, { 'set-cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${options.tls ? '; Secure' : ''}`, 'cache-control': 'no-store' });
    response.end();
  }

  function serveFile(request: IncomingMessage, response: ServerResponse, url: URL): void {
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
      ...PAGE_HEADERS,
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

  /** A browser sends its page's origin: only this console's own pages may log in or open MQTT. */
  function originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true; // not a browser (a program on this machine)
    return origin === `${scheme}://${request.headers.host}`;
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
    const session = sessions.lookup(sessionToken(request));
    if (!session) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    const feed = options.mqttStream;
    sockets.handleUpgrade(request, socket, head, (ws) => {
      socketSessions.set(ws, session);
      ws.on('close', () => socketSessions.delete(ws));
      const stream = createWebSocketStream(ws);
      // A browser going away mid-frame is not the server's problem.
      stream.on('error', () => stream.destroy());
      feed(stream, request, session.identity);
    });
  });

  // A session that ends (expired, its identity removed or given a new password) takes its WebSockets with it.
  const sessionCheck = setInterval(() => {
    for (const [socket, session] of socketSessions) if (!sessions.stillValid(session)) socket.terminate();
  }, SESSION_CHECK_MS);
  sessionCheck.unref();

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
    url: `${scheme}://${options.host}:${port}/`,
    port,
    close: async () => {
      clearInterval(sessionCheck);
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
  response.writeHead(status, { ...PAGE_HEADERS, 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

/** `{"name": "...", "password": "..."}`, or null for anything else. */
function parseLoginBody(body: string | null): { name: string; password: string } | null {
  if (body === null) return null;
  try {
    const value = JSON.parse(body) as { name?: unknown; password?: unknown } | null;
    return value && typeof value.name === 'string' && typeof value.password === 'string' ? { name: value.name, password: value.password } : null;
  } catch {
    return null;
  }
}

/** The session token from the request's cookie header, if any. */
function sessionToken(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

/** The request's body as text, or null when it is larger than `maxBytes`. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        resolve(null);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBytes ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
