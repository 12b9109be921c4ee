import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFacility } from '../../cli/facility.ts';
import { prepareFacilityIdentities } from '../../cli/facility-identities.ts';
import { loadLayout } from '../../cli/load-layout.ts';
import { startedSerials, withRobotCount } from '../../protocol/layout/index.ts';
import type { MqttCredentials } from '../../protocol/bus/mqtt-bus.ts';
import { startMosquitto } from '../support/mosquitto.ts';
import { ATTACK_IDENTITIES, ATTACK_ROBOTS, describeAttacks } from './attack-suite.ts';

/**
 * The same attacks against Mosquitto configured by `gridline identities mosquitto`: its ACLs
 * drop what they refuse and its log (verbose) says so.
 */
describeAttacks('Mosquitto', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-attacks-mosquitto-'));
  const dataDir = path.join(dir, 'data');
  const mosquitto = await startMosquitto(dir, dataDir);
  const layout = withRobotCount(await loadLayout(undefined), ATTACK_ROBOTS);
  const identities = await prepareFacilityIdentities(dataDir, {
    robots: startedSerials(layout),
    ports: layout.ports.map((p) => p.id),
    demoWms: false,
    commandLineWms: false,
    monitor: false,
    people: false,
  });
  const logins = new Map<string, MqttCredentials>();
  for (const { name, role } of ATTACK_IDENTITIES) logins.set(name, await identities.add(name, role));
  await mosquitto.reload();
  const f = await startFacility({ layout, transport: { kind: 'mqtt', url: mosquitto.url, speed: 10 }, seed: 11, wms: false, dataDir });
  const lines = () => mosquitto.process.lines;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return {
    f,
    url: mosquitto.url,
    kind: 'mosquitto',
    login: (name) => logins.get(name) ?? f.identities!.credentialsOf(name),
    // Every client's id is its identity's name there (use_username_as_clientid).
    publishRefusalLogged: (who, topic) => lines().some((l) => new RegExp(`Denied PUBLISH from ${escape(who)} \\(.*'${escape(topic)}'`).test(l)),
    connectionRefusals: () => lines().filter((l) => /disconnected, not authorised/.test(l)).length,
    subscriptionRefusalLogged: () => false,
    async stop() {
      await f.stop();
      await mosquitto.process.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, false);
