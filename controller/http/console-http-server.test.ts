import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../broker/embedded-broker.ts';
import { startConsoleHttpServer, type ConsoleHttpServer } from './console-http-server.ts';

let server: ConsoleHttpServer | undefined;
let broker: EmbeddedBroker | undefined;
const dirs: string[] = [];

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

/** A raw GET, so paths reach the server unnormalised (fetch would resolve `..`). */
function get(url: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console web server', () => {
  it('serves the built pages and their assets with their content types', async () => {
    server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: distWithPages(), site: 'demo' });
    const index = await get(server.url, '/');
    expect(index.status).toBe(200);
    expect(index.type).toMatch(/text\/html/);
    expect(index.body).toContain('<title>console</title>');
    const asset = await get(server.url, '/assets/app-1234.js');
    expect(asset.type).toMatch(/text\/javascript/);
    expect((await get(server.url, '/missing.js')).status).toBe(404);
  });

  it('never serves files outside the built console', async () => {
    const dist = distWithPages();
    server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: dist, site: 'demo' });
    const escape = await get(server.url, `/../secret-${path.basename(dist)}.txt`);
    expect(escape.status).toBe(404);
    expect(escape.body).not.toContain('not for browsers');
    expect((await get(server.url, `/%2e%2e/secret-${path.basename(dist)}.txt`)).status).toBe(404);
    rmSync(path.join(dist, '..', `secret-${path.basename(dist)}.txt`));
  });

  it('answers a malformed path with 400 and keeps running', async () => {
    server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: distWithPages(), site: 'demo' });
    expect((await get(server.url, '/%E0%A4%A')).status).toBe(400);
    expect((await get(server.url, '/')).status).toBe(200);
  });

  it('refuses requests addressed to a host name it does not answer to (DNS rebinding)', async () => {
    server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: distWithPages(), site: 'demo' });
    expect((await get(server.url, '/', { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server.url, '/', { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('says how to build the console when it is not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'gridline-console-empty-'));
    dirs.push(empty);
    server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: empty, site: 'demo' });
    const page = await get(server.url, '/');
    expect(page.status).toBe(503);
    expect(page.body).toMatch(/npm run build:console/);
  });

  it('tells the page its site and MQTT address: its own /mqtt, or the external broker given', async () => {
    server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: distWithPages(), site: 'north' });
    expect(JSON.parse((await get(server.url, '/config.json')).body)).toEqual({ site: 'north', mqttUrl: `ws://127.0.0.1:${server.port}/mqtt` });
    await server.close();
    server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: distWithPages(), site: 'north', mqttUrl: 'ws://broker.example:9001' });
    expect(JSON.parse((await get(server.url, '/config.json')).body).mqttUrl).toBe('ws://broker.example:9001');
  });

  it('carries MQTT over WebSocket at /mqtt to the embedded broker, where TCP clients meet it', async () => {
    broker = await startEmbeddedBroker({ port: 0, access: 'anonymous' });
    server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: distWithPages(), site: 'demo', mqttStream: broker.handleStream });
    const tcp = await mqtt.connectAsync(broker.url, { clientId: 'tcp-client' });
    const ws = await mqtt.connectAsync(`ws://127.0.0.1:${server.port}/mqtt`, { clientId: 'browser-like' });
    // A page of another site may not open MQTT here.
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server!.port}/mqtt`, { origin: 'http://evil.example' });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => undefined);
    });
    expect(refused).toBe(403);
    try {
      await ws.subscribeAsync('gridline/test/+');
      const received = new Promise<string>((resolve) => ws.on('message', (topic, payload) => resolve(`${topic} ${payload.toString()}`)));
      await tcp.publishAsync('gridline/test/hello', 'over tcp');
      expect(await received).toBe('gridline/test/hello over tcp');
    } finally {
      await ws.endAsync();
      await tcp.endAsync();
    }
  });
});
