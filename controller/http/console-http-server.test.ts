import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../broker/embedded-broker.ts';
import { addIdentity } from '../security/identity-admin.ts';
import { MemoryIdentityStore } from '../security/identity-store.ts';
import { startConsoleHttpServer, type ConsoleHttpOptions, type ConsoleHttpServer } from './console-http-server.ts';

let server: ConsoleHttpServer | undefined;
let broker: EmbeddedBroker | undefined;
const dirs: string[] = [];
let identities: MemoryIdentityStore;
const passwords = new Map<string, string>();

beforeEach(async () => {
  identities = new MemoryIdentityStore();
  for (const [name, role, scope] of [
    ['ann', 'operator', undefined],
    ['vic', 'viewer', undefined],
    ['port-P1', 'port', 'P1'],
    ['R001', 'robot', undefined],
    ['controller', 'controller', undefined],
  ] as const) {
    passwords.set(name, (await addIdentity(identities, null, { name, role, ...(scope ? { scope } : {}) })).password);
  }
});

afterEach(async () => {
  await server?.close();
  await broker?.close();
  server = undefined;
  broker = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function distWithPages(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-console-dist-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(path.join(dir, '..', `secret-${path.basename(dir)}.txt`), 'not for browsers');
  return dir;
}

/** A raw request, so paths reach the server unnormalised (fetch would resolve `..`). */
function get(url: string, rawPath: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; type: string; body: string; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: rawPath, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const start = (options: Partial<ConsoleHttpOptions> = {}) =>
  startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: distWithPages(), site: 'demo', identities, ...options });

/** Logs in; the cookie header for later requests. */
async function login(name: string, password = passwords.get(name)!, headers: Record<string, string> = {}): Promise<{ status: number; cookie: string; body: string; setCookie: string }> {
  const response = await get(server!.url, '/login', { 'content-type': 'application/json', ...headers }, 'POST', JSON.stringify({ name, password }));
  const setCookie = String((response.headers['set-cookie'] as string[] | undefined)?.[0] ?? '');
  return { status: response.status, cookie: setCookie.split(';')[0]!, body: response.body, setCookie };
}

describe('the console web server', () => {
  it('serves the pages to people logged in, and sends others to the login page; assets are public', async () => {
    server = await start();
    const anonymous = await get(server.url, '/?x=1');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/login.html?next=%2F%3Fx%3D1');
    expect((await get(server.url, '/config.json')).status).toBe(401);
    expect((await get(server.url, '/assets/app-1234.js')).type).toMatch(/text\/javascript/);
    const { cookie } = await login('ann');
    const index = await get(server.url, '/', { cookie });
    expect(index.status).toBe(200);
    expect(index.type).toMatch(/text\/html/);
    expect(index.body).toContain('<title>console</title>');
    expect(index.headers['x-frame-options']).toBe('DENY');
    // The page may talk to this server only: a link cannot point it at another broker.
    expect(index.headers['content-security-policy']).toContain("connect-src 'self'");
    expect((await get(server.url, '/missing.js', { cookie })).status).toBe(404);
  });

  it('sets the session in an HttpOnly, SameSite=Strict cookie, and tells the page who is logged in', async () => {
    server = await start();
    const ann = await login('ann');
    expect(ann.status).toBe(200);
    expect(ann.setCookie).toMatch(/^gridline_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    expect(JSON.parse(ann.body)).toEqual({ name: 'ann', role: 'operator', scope: '' });
    expect(JSON.parse((await get(server.url, '/config.json', { cookie: ann.cookie })).body)).toEqual({
      site: 'demo',
      mqttUrl: `ws://127.0.0.1:${server.port}/mqtt`,
      user: { name: 'ann', role: 'operator', scope: '' },
    });
    const port = await login('port-P1');
    expect(JSON.parse((await get(server.url, '/session', { cookie: port.cookie })).body)).toEqual({ name: 'port-P1', role: 'port', scope: 'P1' });
  });

  it('refuses wrong passwords, unknown names and machine identities alike, then refuses to check after five', async () => {
    server = await start();
    expect((await login('ann', 'wrong password!')).status).toBe(401);
    expect((await login('nobody', 'whatever it is')).status).toBe(401);
    expect((await login('R001')).status).toBe(401); // a robot's identity opens no console
    expect((await login('controller')).status).toBe(401);
    for (let i = 0; i < 4; i++) await login('ann', `wrong ${i}`);
    const locked = await login('ann');
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.body).error).toMatch(/too many wrong passwords/);
  });

  it('refuses a login from another site\'s page and a body that is not a login', async () => {
    server = await start();
    expect((await login('ann', undefined, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server.url, '/login', { 'content-type': 'application/json' }, 'POST', 'name=ann')).status).toBe(400);
    expect((await get(server.url, '/login', {}, 'POST', JSON.stringify({ name: 'ann', password: 'x'.repeat(5000) }))).status).toBe(400);
  });

  it('ends a session at logout', async () => {
    server = await start();
    const { cookie } = await login('ann');
    expect((await get(server.url, '/session', { cookie })).status).toBe(200);
    const out = await get(server.url, '/logout', { cookie }, 'POST');
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await get(server.url, '/session', { cookie })).status).toBe(401);
  });

  it('ends a session when its identity gets a new password or is removed', async () => {
    server = await start();
    const ann = await login('ann');
    const vic = await login('vic');
    const record = identities.get('ann')!;
    identities.put({ ...record, passwordHash: identities.get('vic')!.passwordHash });
    expect((await get(server.url, '/session', { cookie: ann.cookie })).status).toBe(401);
    identities.remove('vic');
    expect((await get(server.url, '/session', { cookie: vic.cookie })).status).toBe(401);
  });

  it('shows the audit log to people, not to port screens', async () => {
    server = await start({ auditLog: (limit) => [{ limit }] });
    const ann = await login('ann');
    expect(JSON.parse((await get(server.url, '/audit?limit=7', { cookie: ann.cookie })).body)).toEqual([{ limit: 7 }]);
    const port = await login('port-P1');
    expect((await get(server.url, '/audit', { cookie: port.cookie })).status).toBe(403);
    expect((await get(server.url, '/audit')).status).toBe(401);
  });

  it('never serves files outside the built console', async () => {
    const dist = distWithPages();
    server = await start({ distDir: dist });
    const { cookie } = await login('ann');
    const escape = await get(server.url, `/../secret-${path.basename(dist)}.txt`, { cookie });
    expect(escape.status).toBe(404);
    expect(escape.body).not.toContain('not for browsers');
    expect((await get(server.url, `/%2e%2e/secret-${path.basename(dist)}.txt`, { cookie })).status).toBe(404);
    rmSync(path.join(dist, '..', `secret-${path.basename(dist)}.txt`));
  });

  it('answers a malformed path with 400 and keeps running', async () => {
    server = await start();
    const { cookie } = await login('ann');
    expect((await get(server.url, '/%E0%A4%A', { cookie })).status).toBe(400);
    expect((await get(server.url, '/', { cookie })).status).toBe(200);
  });

  it('refuses requests addressed to a host name it does not answer to (DNS rebinding)', async () => {
    server = await start();
    expect((await get(server.url, '/login.html', { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server.url, '/assets/app-1234.js', { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('says how to build the console when it is not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'gridline-console-empty-'));
    dirs.push(empty);
    server = await start({ distDir: empty });
    const { cookie } = await login('ann');
    const page = await get(server.url, '/', { cookie });
    expect(page.status).toBe(503);
    expect(page.body).toMatch(/npm run build:console/);
  });

  it('carries MQTT over WebSocket at /mqtt to the embedded broker as the session\'s identity', async () => {
    broker = await startEmbeddedBroker({
      port: 0,
      access: { identities, topics: { site: 'demo', interfaceName: 'uagv', manufacturer: 'gridline' }, controllerClientIds: [], log: () => {} },
    });
    server = await start({ mqttStream: broker.handleStream });
    const wsStatus = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${server!.port}/mqtt`, { headers });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('error', () => undefined);
      });
    const vic = await login('vic');
    // No session, or a page of another site: no MQTT.
    expect(await wsStatus({})).toBe(401);
    expect(await wsStatus({ cookie: vic.cookie, origin: 'http://evil.example' })).toBe(403);
    const controller = await mqtt.connectAsync(broker.url, { clientId: 'ctl', username: 'controller', password: passwords.get('controller')!, reconnectPeriod: 0 });
    const viewer = await mqtt.connectAsync(`ws://127.0.0.1:${server.port}/mqtt`, { clientId: 'browser-like', reconnectPeriod: 0, wsOptions: { headers: { cookie: vic.cookie } } });
    try {
      await viewer.subscribeAsync('gridline/v1/demo/console/state');
      const received = new Promise<string>((resolve) => viewer.on('message', (topic, payload) => resolve(`${topic} ${payload.toString()}`)));
      await controller.publishAsync('gridline/v1/demo/console/state', 'hello', { retain: true });
      expect(await received).toBe('gridline/v1/demo/console/state hello');
      // A viewer reads; it may not subscribe to what is not the console's.
      await expect(viewer.subscribeAsync('gridline/v1/demo/wms/+/request')).rejects.toThrow();
      // Logging out closes the page's MQTT connection.
      const closed = new Promise<void>((resolve) => viewer.once('close', () => resolve()));
      await get(server.url, '/logout', { cookie: vic.cookie }, 'POST');
      await closed;

      // A viewer's command, even on its own command topic, ends its connection and reaches no one;
      // an operator's, sent after it, does.
      const commands: string[] = [];
      await controller.subscribeAsync('gridline/v1/demo/console/command/+', { qos: 1 });
      controller.on('message', (topic, payload) => topic.includes('/command/') && commands.push(`${topic} ${payload.toString()}`));
      const vicAgain = await login('vic');
      const viewerCommanding = await mqtt.connectAsync(`ws://127.0.0.1:${server.port}/mqtt`, { clientId: 'vic-tab', reconnectPeriod: 0, wsOptions: { headers: { cookie: vicAgain.cookie } } });
      const viewerGone = new Promise<void>((resolve) => viewerCommanding.once('close', () => resolve()));
      viewerCommanding.publish('gridline/v1/demo/console/command/vic', '{"type":"emergencyStopAll"}', { qos: 1 });
      await viewerGone;
      await viewerCommanding.endAsync(true);
      const ann = await login('ann');
      const operator = await mqtt.connectAsync(`ws://127.0.0.1:${server.port}/mqtt`, { clientId: 'ann-tab', reconnectPeriod: 0, wsOptions: { headers: { cookie: ann.cookie } } });
      await operator.publishAsync('gridline/v1/demo/console/command/ann', '{"type":"pauseAll"}', { qos: 1 });
      await operator.endAsync();
      for (let i = 0; i < 50 && commands.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(commands).toEqual(['gridline/v1/demo/console/command/ann {"type":"pauseAll"}']);
    } finally {
      await viewer.endAsync(true);
      await controller.endAsync();
    }
  });
});
