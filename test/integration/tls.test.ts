import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/embedded-broker.ts';
import { startConsoleHttpServer, type ConsoleHttpServer } from '../../controller/http/console-http-server.ts';
import { addIdentity } from '../../controller/security/identity-admin.ts';
import { MemoryIdentityStore } from '../../controller/security/identity-store.ts';
import { REPO_ROOT } from '../support/processes.ts';

/**
 * TLS with certificates made the documented way (scripts/make-certificates.sh): MQTT over TLS
 * with a password or, for a robot, its client certificate; the console over HTTPS and WSS with
 * a Secure session cookie.
 */
describe('TLS for MQTT and the console', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-tls-'));
  const pem = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  const identities = new MemoryIdentityStore();
  const passwords = new Map<string, string>();
  let broker: EmbeddedBroker;
  let consoleServer: ConsoleHttpServer | undefined;
  const clients: MqttClient[] = [];
  const log: string[] = [];

  beforeAll(async () => {
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts/make-certificates.sh'), dir, '127.0.0.1', 'R001', 'R404'], { stdio: 'ignore' });
    // A certificate from someone else's CA, with a robot's name.
    const foreign = path.join(dir, 'foreign');
    mkdirSync(foreign);
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts/make-certificates.sh'), foreign, '127.0.0.1', 'R001'], { stdio: 'ignore' });
    for (const [name, role] of [['controller', 'controller'], ['R001', 'robot'], ['ann', 'operator']] as const) passwords.set(name, (await addIdentity(identities, null, { name, role })).password);
    broker = await startEmbeddedBroker({
      port: 0,
      access: { identities, topics: { site: 'demo', interfaceName: 'uagv', manufacturer: 'gridline' }, controllerClientIds: [], log: (l) => log.push(l) },
      tls: { port: 0, cert: pem('server.pem'), key: pem('server.key'), ca: pem('ca.pem') },
    });
  }, 60_000);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await consoleServer?.close();
    consoleServer = undefined;
  });
  afterAll(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (options: mqtt.IClientOptions) => {
    const client = await mqtt.connectAsync(broker.tlsUrl!, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    clients.push(client);
    return client;
  };

  it('serves mqtts to clients that trust the site CA, with a password', async () => {
    expect(broker.tlsUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const controller = await connect({ clientId: 'ctl', username: 'controller', password: passwords.get('controller')!, ca: pem('ca.pem') });
    expect(controller.connected).toBe(true);
    // A client that does not trust the certificate does not connect; nor does one without a password and certificate.
    await expect(connect({ clientId: 'distrust', username: 'controller', password: passwords.get('controller')! })).rejects.toThrow();
    await expect(connect({ clientId: 'anon', ca: pem('ca.pem') })).rejects.toThrow(/Not authorized/);
  });

  it("logs a robot in by its client certificate, to its own topics only", async () => {
    const controller = await connect({ clientId: 'ctl2', username: 'controller', password: passwords.get('controller')!, ca: pem('ca.pem') });
    const seen: string[] = [];
    controller.on('message', (topic) => seen.push(topic));
    await controller.subscribeAsync('uagv/v2/gridline/+/state');
    const robot = await connect({ clientId: 'R001-cert', ca: pem('ca.pem'), cert: pem('robots/R001.pem'), key: pem('robots/R001.key') });
    await robot.publishAsync('uagv/v2/gridline/R001/state', '{}', { qos: 1 });
    const gone = new Promise<void>((resolve) => robot.once('close', () => resolve()));
    robot.publish('uagv/v2/gridline/R002/state', '{}', { qos: 1 });
    await gone;
    // A state sent after the refused one arrives; the refused one never does.
    const again = await connect({ clientId: 'R001-cert-2', ca: pem('ca.pem'), cert: pem('robots/R001.pem'), key: pem('robots/R001.key') });
    await again.publishAsync('uagv/v2/gridline/R001/state', '{}', { qos: 1 });
    for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['uagv/v2/gridline/R001/state', 'uagv/v2/gridline/R001/state']);
    // A certificate for a serial with no identity, or from another CA, logs no one in.
    await expect(connect({ clientId: 'R404', ca: pem('ca.pem'), cert: pem('robots/R404.pem'), key: pem('robots/R404.key') })).rejects.toThrow(/Not authorized/);
    await expect(connect({ clientId: 'forged', ca: pem('ca.pem'), cert: pem('foreign/robots/R001.pem'), key: pem('foreign/robots/R001.key') })).rejects.toThrow(/Not authorized/);
  });

  it('serves the console over HTTPS with a Secure cookie, and its MQTT over WSS', async () => {
    const dist = path.join(dir, 'dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
    consoleServer = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: dist, site: 'demo', identities, tls: { cert: pem('server.pem'), key: pem('server.key') }, mqttStream: broker.handleStream });
    expect(consoleServer.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const login = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
      const req = httpsRequest(`${consoleServer!.url}login`, { method: 'POST', ca: pem('ca.pem'), headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie']?.[0] ?? '') });
      });
      req.on('error', reject);
      req.end(JSON.stringify({ name: 'ann', password: passwords.get('ann') }));
    });
    expect(login.status).toBe(200);
    expect(login.cookie).toMatch(/; Secure$/);
    const ws = await mqtt.connectAsync(`wss://127.0.0.1:${consoleServer.port}/mqtt`, { reconnectPeriod: 0, ca: pem('ca.pem'), wsOptions: { headers: { cookie: login.cookie.split(';')[0]! }, ca: pem('ca.pem') } } as mqtt.IClientOptions);
    clients.push(ws);
    await ws.subscribeAsync('gridline/v1/demo/console/reply/ann');
    expect(ws.connected).toBe(true);
  });
});
