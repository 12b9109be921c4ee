import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import { WmsClientLink } from '../../protocol/wms/links.ts';
import { isBinRequestType, type WmsRequest } from '../../protocol/wms/request-schemas.ts';
import { numberOption, UsageError, type CommandArgs } from '../errors.ts';
import { brokerLogin, brokerTls } from '../broker-login.ts';
import { COMMAND_LINE_WMS_IDENTITY } from '../facility-identities.ts';

/**
 * `gridline wms pick|putaway|count|status|inventory|cancel`: sends one request to a running system
 * and prints the reply and then the events until the terminal one.
 */
export async function runWms(sub: string | undefined, values: CommandArgs): Promise<number> {
  const requestId = (values.id as string | undefined) ?? `cli-${process.pid}-${Date.now().toString(36)}`;
  const request = buildRequest(sub, requestId, values);
  const brokerUrl = (values.broker as string | undefined) ?? 'mqtt://127.0.0.1:1883';
  const site = (values.site as string | undefined) ?? 'demo';
  const timeoutMs = numberOption(values, 'timeout', 600) * 1000;
  const credentials = brokerLogin(values, COMMAND_LINE_WMS_IDENTITY);
  // The WMS client id in the topics is the identity's scope: by default its name.
  const clientId = (values['client-id'] as string | undefined) ?? credentials.username;
  let bus;
  try {
    const tls = brokerTls(values);
    bus = await connectMqttBus(brokerUrl, { clientId: `gridline-wms-${clientId}-${process.pid}`, credentials, ...(tls ? { tls } : {}), connectTimeoutMs: 5_000, reconnectPeriodMs: 0 });
  } catch (error) {
    process.stderr.write(`gridline wms: ${(error as Error).message}; is 'gridline start' running, or is --broker right?\n`);
    return 1;
  }
  const link = new WmsClientLink(bus, { site, clientId });
  const print = (label: string, message: unknown) => process.stdout.write(`${label} ${JSON.stringify(message)}\n`);
  try {
    return await new Promise<number>((resolve) => {
      const timer = setTimeout(() => {
        process.stderr.write(`gridline wms: no outcome for ${requestId} within ${timeoutMs / 1000} s\n`);
        resolve(1);
      }, timeoutMs);
      const done = (code: number) => {
        clearTimeout(timer);
        resolve(code);
      };
      link.onInvalidMessage((topic, errors) => process.stderr.write(`gridline wms: invalid message on ${topic}: ${errors.join('; ')}\n`));
      link.onReply((reply) => {
        if (reply.requestId !== requestId) return;
        print('reply', reply);
        if (reply.type === 'rejected') done(1);
        else if (!isBinRequestType(request.type)) done(0);
      });
      link.onEvent((event) => {
        if (event.requestId !== requestId) return;
        print('event', event);
        if (event.type !== 'progress') done(event.type === 'completed' ? 0 : 1);
      });
      void link.start().then(() => {
        print('request', request);
        link.send(request);
      });
    });
  } finally {
    await bus.close();
  }
}

/** A pick's lines: `--line SKU:QTY` (repeated), or one `--sku S --qty N`; `--priority P` on each. */
function pickLines(values: CommandArgs): { sku: string; quantity: number; priority?: number }[] {
  const priority = values.priority === undefined ? undefined : numberOption(values, 'priority', 0, (n) => Number.isInteger(n) && n >= 0 && n <= 9);
  const withPriority = (line: { sku: string; quantity: number }) => (priority === undefined ? line : { ...line, priority });
  const given = values.line;
  if (Array.isArray(given) && given.length > 0) {
    if (values.sku !== undefined) throw new UsageError('wms pick: give --line SKU:QTY (repeated) or --sku with --qty, not both');
    return given.map((text) => {
      const match = /^(.+):(\d+)$/.exec(String(text));
      if (!match || Number(match[2]) < 1) throw new UsageError(`wms pick: --line "${String(text)}" must be SKU:QTY with QTY a whole number >= 1`);
      return withPriority({ sku: match[1]!, quantity: Number(match[2]) });
    });
  }
  const sku = values.sku;
  if (typeof sku !== 'string' || sku === '') throw new UsageError('wms pick: --sku (or --line SKU:QTY) is required');
  return [withPriority({ sku, quantity: numberOption(values, 'qty', 1, (n) => Number.isInteger(n) && n >= 1) })];
}

function buildRequest(sub: string | undefined, requestId: string, values: CommandArgs): WmsRequest {
  const text = (name: string): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') throw new UsageError(`wms ${sub}: --${name} is required`);
    return value;
  };
  const port = values.port as string | undefined;
  switch (sub) {
    case 'pick':
      return { type: 'pick', requestId, lines: pickLines(values), ...(port ? { port } : {}), ...(values.due ? { dueTime: String(values.due) } : {}) };
    case 'putaway':
      return { type: 'putaway', requestId, sku: text('sku'), quantity: numberOption(values, 'qty', 1, (n) => Number.isInteger(n) && n >= 1), ...(values.bin ? { binId: String(values.bin) } : {}), ...(port ? { port } : {}) };
    case 'count':
      if (values.sku && values.bin) throw new UsageError('wms count: give --bin or --sku, not both');
      if (values.sku) return { type: 'count', requestId, sku: String(values.sku), ...(port ? { port } : {}) };
      return { type: 'count', requestId, binId: text('bin'), ...(port ? { port } : {}) };
    case 'status':
      return { type: 'status', requestId, targetRequestId: text('request-id') };
    case 'cancel':
      return { type: 'cancel', requestId, targetRequestId: text('request-id') };
    case 'inventory':
      if (values.sku) return { type: 'inventory', requestId, sku: String(values.sku) };
      return { type: 'inventory', requestId, binId: text('bin') };
    default:
      throw new UsageError(`wms: unknown request "${sub ?? ''}"; use pick, putaway, count, status, inventory or cancel`);
  }
}
