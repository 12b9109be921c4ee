import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import { RealClock } from '../../protocol/real-clock.ts';
import { startBridge } from '../../firmware-bridge/main.ts';
import { SerialPortTransport } from '../../firmware-bridge/serialport-transport.ts';
import { numberOption, UsageError, type CommandArgs } from '../errors.ts';
import { loadLayout } from '../load-layout.ts';
import { brokerLogin, brokerTls } from '../broker-login.ts';

/** Serial numbers may only use these characters (VDA 5050 topic level rules). */
const SERIAL_NUMBER = /^[A-Za-z0-9_.:-]+$/;

/**
 * `gridline bridge --serial PATH --baud N --broker URL --serial-number ID [--layout FILE]`:
 * one robot's firmware bridge, VDA 5050 over MQTT on one side and the motor controller's
 * serial protocol on the other. Runs until SIGINT or SIGTERM; link changes and errors on stderr.
 */
export async function runBridge(values: CommandArgs): Promise<number> {
  const path = values.serial as string | undefined;
  const serialNumber = values['serial-number'] as string | undefined;
  if (!path) throw new UsageError('--serial PATH is required (the motor controller\'s serial device)');
  if (!serialNumber || !SERIAL_NUMBER.test(serialNumber)) throw new UsageError('--serial-number ID is required and may only use A-Z a-z 0-9 _ . : -');
  const baudRate = numberOption(values, 'baud', 115_200, Number.isInteger);
  const brokerUrl = (values.broker as string | undefined) ?? 'mqtt://127.0.0.1:1883';
  const tls = brokerTls(values);
  // A robot with a client certificate logs in by it; otherwise with its identity's password.
  const credentials = tls?.cert ? undefined : brokerLogin(values, serialNumber);
  const layout = await loadLayout(values.layout as string | undefined);
  const clock = new RealClock();
  const log = (message: string) => process.stderr.write(`bridge ${serialNumber}: ${message}\n`);
  log(`serial ${path} at ${baudRate} baud, broker ${brokerUrl}, grid ${layout.name}`);
  let bridge;
  try {
    bridge = await startBridge({
      serialNumber,
      layout,
      clock,
      transport: new SerialPortTransport(path, baudRate),
      connectBus: (clientId, will) => connectMqttBus(brokerUrl, { clientId, will, ...(credentials ? { credentials } : {}), ...(tls ? { tls } : {}), reconnectPeriodMs: 1_000 }),
      log,
    });
  } catch (error) {
    log(`${(error as Error).message}`);
    return 1;
  }
  const running = bridge;
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      resolve();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  log('stopping');
  await running.close();
  return 0;
}
