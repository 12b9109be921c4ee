import { startFacility } from '../../cli/facility.ts';
import { loadLayout } from '../../cli/load-layout.ts';
import type { MqttCredentials } from '../../protocol/bus/mqtt-bus.ts';
import { ATTACK_IDENTITIES, ATTACK_ROBOTS, describeAttacks } from './attack-suite.ts';

describeAttacks('the embedded broker', async () => {
  const log: string[] = [];
  const f = await startFacility({
    layout: await loadLayout(undefined),
    transport: { kind: 'mqtt', port: 0, speed: 10 },
    seed: 11,
    robots: ATTACK_ROBOTS,
    wms: false,
    // Every refusal in the log: the attacks check each one (a site keeps the default few a minute).
    identities: { refusalLinesPerMinute: 1_000 },
    log: (line) => log.push(line),
  });
  const logins = new Map<string, MqttCredentials>();
  for (const { name, role } of ATTACK_IDENTITIES) logins.set(name, await f.identities!.add(name, role));
  const refused = (pattern: RegExp) => log.some((line) => pattern.test(line));
  const count = (pattern: RegExp) => log.filter((line) => pattern.test(line)).length;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return {
    f,
    url: f.brokerUrl!,
    kind: 'embedded',
    login: (name) => logins.get(name) ?? f.identities!.credentialsOf(name),
    publishRefusalLogged: (who, topic) => refused(new RegExp(`broker refused: ${escape(who)}: publish( \\(retained\\))? to ${escape(JSON.stringify(topic))}$`)),
    connectionRefusals: (who) =>
      count(who === undefined ? /broker refused: .*: connection as client .*: no username and password/ : new RegExp(`broker refused: (${escape(who)}\\b|.*unknown user "${escape(who)}").*connection as client`)),
    subscriptionRefusalLogged: (who, filter) => refused(new RegExp(`broker refused: ${escape(who)}: subscribe to ${escape(JSON.stringify(filter))}$`)),
    stop: () => f.stop(),
  };
}, true);
