/**
 * Pieces shared by both VDA 5050 link endpoints: header stamping and the
 * inbound check that turns a raw (topic, payload) into a typed message or a list of problems.
 */
import type { Clock } from '../clock.ts';
import { VDA_PROTOCOL_VERSION } from './schemas.ts';
import { parseVdaTopic, type ResolvedVdaAddress } from './topics.ts';
import type { VdaHeader, VdaMessageByKind, VdaTopicKind } from './types.ts';
import { readState } from './read-state.ts';
import { parseVdaMessage, validateVdaMessage } from './validate.ts';

/**
 * Fills the five header fields. `headerId` counts per topic and vehicle (§Protocol header:
 * "defined per topic and incremented by 1 with each sent message"), from `firstHeaderId`.
 */
export class HeaderStamper {
  private readonly nextIds = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly manufacturer: string,
    private readonly firstHeaderId: Partial<Record<VdaTopicKind, number>> = {},
  ) {}

  next(serialNumber: string, kind: VdaTopicKind): VdaHeader {
    const key = `${serialNumber}/${kind}`;
    const headerId = this.nextIds.get(key) ?? this.firstHeaderId[kind] ?? 0;
    this.nextIds.set(key, headerId + 1);
    return {
      headerId,
      timestamp: new Date(this.clock.now()).toISOString(),
      version: VDA_PROTOCOL_VERSION,
      manufacturer: this.manufacturer,
      serialNumber,
    };
  }
}

/**
 * Header first in the JSON (reads well on the wire), header values winning over any
 * header-named fields a caller left in the body.
 */
export function composeMessage<K extends VdaTopicKind>(kind: K, header: VdaHeader, body: object): VdaMessageByKind[K] {
  const message = { ...header, ...body, ...header };
  const checked = validateVdaMessage(kind, message);
  // Outgoing messages are built by our own code: an invalid one is a programming mistake.
  if (!checked.ok) throw new Error(`refusing to send an invalid VDA 5050 ${kind} message: ${checked.errors.join('; ')}`);
  return checked.value;
}

export type InboundResult<K extends VdaTopicKind> =
  | { ok: true; address: ResolvedVdaAddress; kind: K; message: VdaMessageByKind[K]; dropped: string[] }
  | { ok: false; errors: string[] };

/**
 * Validates an incoming message of an expected kind: a VDA 5050 topic, a valid payload, and
 * header manufacturer/serialNumber (when present) naming the vehicle of the topic. A state is
 * read tolerantly (read-state.ts): malformed optional parts are left out and named in `dropped`.
 */
export function checkInbound<K extends VdaTopicKind>(expectedKind: K, topic: string, payload: string): InboundResult<K> {
  const parsedTopic = parseVdaTopic(topic);
  if (!parsedTopic || parsedTopic.kind !== expectedKind) return { ok: false, errors: [`topic: '${topic}' is not a VDA 5050 ${expectedKind} topic`] };
  const parsed = expectedKind === 'state' ? readState(payload) : { ...parseVdaMessage(expectedKind, payload), dropped: [] };
  if (!parsed.ok) return parsed;
  const { address } = parsedTopic;
  const header = parsed.value as Partial<VdaHeader>;
  const errors: string[] = [];
  if (header.serialNumber !== undefined && header.serialNumber !== address.serialNumber) {
    errors.push(`serialNumber: '${header.serialNumber}' does not match the topic's serial number '${address.serialNumber}'`);
  }
  if (header.manufacturer !== undefined && header.manufacturer !== address.manufacturer) {
    errors.push(`manufacturer: '${header.manufacturer}' does not match the topic's manufacturer '${address.manufacturer}'`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, address, kind: expectedKind, message: parsed.value as VdaMessageByKind[K], dropped: parsed.dropped };
}
