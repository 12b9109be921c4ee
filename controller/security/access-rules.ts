/**
 * What each identity may publish and subscribe to: the one definition behind the embedded
 * broker's checks and the generated Mosquitto ACL. Rules are MQTT topic filters with the
 * identity's own topic levels filled in; a publish needs a write rule matching its topic (and,
 * when retained, one that allows retaining), a subscription a read rule covering its filter.
 */
import { CONSOLE_TOPIC_LAYOUT } from '../../protocol/console/topics.ts';
import { fillTopicLayout } from '../../protocol/topic-levels.ts';
import { stockTopic } from '../../protocol/wms/stock-links.ts';
import { WMS_TOPIC_LAYOUT } from '../../protocol/wms/topics.ts';
import { VDA_TOPIC_LAYOUT, DEFAULT_MAJOR_VERSION } from '../../protocol/vda5050/topics.ts';
import type { VdaTopicKind } from '../../protocol/vda5050/types.ts';
import type { Identity } from './identities.ts';

/** The topic levels of one site: its name and its fleet's VDA 5050 interface and manufacturer. */
export interface TopicContext {
  readonly site: string;
  readonly interfaceName: string;
  readonly manufacturer: string;
}

export interface AccessRule {
  readonly access: 'read' | 'write';
  /** An MQTT topic filter (`+`, `#`). */
  readonly filter: string;
  /** Write rules only: the topic map keeps the last message for later subscribers. */
  readonly retain?: boolean;
}

export function accessRules(identity: Identity, context: TopicContext): AccessRule[] {
  const { site } = context;
  const vda = (serial: string, kind: VdaTopicKind) =>
    VDA_TOPIC_LAYOUT.replace('{interfaceName}', context.interfaceName)
      .replace('{majorVersion}', DEFAULT_MAJOR_VERSION)
      .replace('{manufacturer}', context.manufacturer)
      .replace('{serialNumber}', serial)
      .replace('{topic}', kind);
  const wms = (clientId: string, channel: string) => fillTopicLayout(WMS_TOPIC_LAYOUT, { site, clientId, channel });
  const port = (portId: string, which: 'portPresentation' | 'portConfirm') => fillTopicLayout(CONSOLE_TOPIC_LAYOUT[which], { site, portId });
  const console = (which: 'consoleLayout' | 'consoleStacks' | 'consoleState') => fillTopicLayout(CONSOLE_TOPIC_LAYOUT[which], { site });
  const userChannel = (which: 'consoleCommand' | 'consoleReply', user: string) => fillTopicLayout(CONSOLE_TOPIC_LAYOUT[which], { site, user });
  const read = (filter: string): AccessRule => ({ access: 'read', filter });
  const write = (filter: string, retain = false): AccessRule => ({ access: 'write', filter, retain });
  const watch = [read(console('consoleLayout')), read(console('consoleStacks')), read(console('consoleState')), read(vda('+', 'state')), read(vda('+', 'connection'))];

  switch (identity.role) {
    case 'controller':
      return [
        write(vda('+', 'order')),
        write(vda('+', 'instantActions')),
        read(vda('+', 'state')),
        read(vda('+', 'connection')),
        read(vda('+', 'factsheet')),
        read(wms('+', 'request')),
        write(wms('+', 'reply')),
        write(wms('+', 'event')),
        write(stockTopic(site, '+'), true),
        read(port('+', 'portConfirm')),
        write(port('+', 'portPresentation'), true),
        write(console('consoleLayout'), true),
        write(console('consoleStacks'), true),
        write(console('consoleState'), true),
        read(userChannel('consoleCommand', '+')),
        write(userChannel('consoleReply', '+')),
      ];
    case 'robot': {
      const serial = identity.scope;
      return [
        write(vda(serial, 'state')),
        write(vda(serial, 'visualization')),
        write(vda(serial, 'connection'), true),
        write(vda(serial, 'factsheet'), true),
        read(vda(serial, 'order')),
        read(vda(serial, 'instantActions')),
      ];
    }
    case 'wms':
      return [write(wms(identity.scope, 'request')), read(wms(identity.scope, 'reply')), read(wms(identity.scope, 'event')), read(stockTopic(site, '+'))];
    case 'port':
      return [read(port(identity.scope, 'portPresentation')), write(port(identity.scope, 'portConfirm'))];
    case 'viewer':
      return watch;
    case 'operator':
    case 'supervisor':
      return [...watch, write(userChannel('consoleCommand', identity.name)), read(userChannel('consoleReply', identity.name))];
    case 'monitor':
      return [read(`gridline/v1/${site}/#`), read(`${context.interfaceName}/${DEFAULT_MAJOR_VERSION}/${context.manufacturer}/#`)];
  }
}

/** Decisions remembered per topic and kind before the memory is cleared (a client uses few topics). */
const REMEMBERED_DECISIONS = 1024;

/**
 * Rules with their filters split once: the broker checks every message against them. A robot
 * publishes on a handful of topics thousands of times: each topic's decision is remembered
 * (the rules of a connection never change), so most checks are one lookup.
 */
export class CompiledRules {
  private readonly reads: string[][];
  private readonly writes: { levels: string[]; retain: boolean }[];
  /** Remembered decisions by topic: publishes, retained publishes, deliveries (a map each: no key to build per message). */
  private readonly publishes = new Map<string, boolean>();
  private readonly retainedPublishes = new Map<string, boolean>();
  private readonly deliveries = new Map<string, boolean>();

  constructor(readonly rules: readonly AccessRule[]) {
    this.reads = rules.filter((r) => r.access === 'read').map((r) => r.filter.split('/'));
    this.writes = rules.filter((r) => r.access === 'write').map((r) => ({ levels: r.filter.split('/'), retain: r.retain ?? false }));
  }

  /** Whether a publish to `topic` (a concrete topic, no wildcards) is allowed; retained needs a retaining rule. */
  mayPublish(topic: string, retain: boolean): boolean {
    return remembered(retain ? this.retainedPublishes : this.publishes, topic, (levels) => this.writes.some((w) => (!retain || w.retain) && filterMatches(w.levels, levels)));
  }

  /** Whether a subscription to `filter` may be granted: every topic it can match must be readable. */
  maySubscribe(filter: string): boolean {
    const levels = filter.split('/');
    return this.reads.some((r) => filterCovers(r, levels));
  }

  /** Whether a message on `topic` may be delivered to this identity (a last check before sending). */
  mayRead(topic: string): boolean {
    return remembered(this.deliveries, topic, (levels) => this.reads.some((r) => filterMatches(r, levels)));
  }
}

function remembered(decisions: Map<string, boolean>, topic: string, decide: (levels: string[]) => boolean): boolean {
  const known = decisions.get(topic);
  if (known !== undefined) return known;
  const decision = decide(topic.split('/'));
  if (decisions.size >= REMEMBERED_DECISIONS) decisions.clear();
  decisions.set(topic, decision);
  return decision;
}

/** MQTT 3.1.1 §4.7 matching of a split filter against a split concrete topic. */
function filterMatches(filter: readonly string[], topic: readonly string[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const part = filter[i];
    if (part === '#') return true;
    if (i >= topic.length) return false;
    if (part !== '+' && part !== topic[i]) return false;
  }
  return filter.length === topic.length;
}

/** True when every topic `inner` matches is matched by `outer` (both split filters). */
export function filterCovers(outer: readonly string[], inner: readonly string[]): boolean {
  for (let i = 0; i < outer.length; i++) {
    const o = outer[i];
    if (o === '#') return true;
    if (i >= inner.length) return false;
    const n = inner[i];
    if (n === '#') return false;
    if (o === '+') continue;
    if (n === '+' || n !== o) return false;
  }
  return outer.length === inner.length;
}
