/**
 * Topic layout of the operator/port contract. One constant defines it.
 *
 *   gridline/v1/{site}/port/{portId}/presentation   controller -> port screen, retained:
 *                                                   the bin presented now, or null
 *   gridline/v1/{site}/port/{portId}/confirm        port screen -> controller: what was picked/put
 *   gridline/v1/{site}/console/layout               controller -> console, retained: the grid
 *   gridline/v1/{site}/console/stacks               controller -> console, retained: bins per column
 *   gridline/v1/{site}/console/state                controller -> console, retained, periodic:
 *                                                   robots, ports, requests, KPIs, alarms
 *   gridline/v1/{site}/console/command/{user}       console -> controller: a command of the user
 *                                                   logged in (the broker lets only that user
 *                                                   publish here, so the topic says who)
 *   gridline/v1/{site}/console/reply/{user}         controller -> console: one reply per command
 */
import { fillTopicLayout, isTopicLevel } from '../topic-levels.ts';

export const CONSOLE_TOPIC_LAYOUT = {
  portPresentation: 'gridline/v1/{site}/port/{portId}/presentation',
  portConfirm: 'gridline/v1/{site}/port/{portId}/confirm',
  consoleLayout: 'gridline/v1/{site}/console/layout',
  consoleStacks: 'gridline/v1/{site}/console/stacks',
  consoleState: 'gridline/v1/{site}/console/state',
  consoleCommand: 'gridline/v1/{site}/console/command/{user}',
  consoleReply: 'gridline/v1/{site}/console/reply/{user}',
} as const;

export type PortChannel = 'presentation' | 'confirm';

export interface PortTopic {
  readonly site: string;
  readonly portId: string;
  readonly channel: PortChannel;
}

export function portPresentationTopic(site: string, portId: string): string {
  return fillTopicLayout(CONSOLE_TOPIC_LAYOUT.portPresentation, { site, portId });
}

export function portConfirmTopic(site: string, portId: string): string {
  return fillTopicLayout(CONSOLE_TOPIC_LAYOUT.portConfirm, { site, portId });
}

/** The controller's subscription to every port's confirmations: `gridline/v1/{site}/port/+/confirm`. */
export function portConfirmSubscription(site: string): string {
  return fillTopicLayout(CONSOLE_TOPIC_LAYOUT.portConfirm, { site, portId: '+' });
}

export function consoleStateTopic(site: string): string {
  return fillTopicLayout(CONSOLE_TOPIC_LAYOUT.consoleState, { site });
}

export function consoleLayoutTopic(site: string): string {
  return fillTopicLayout(CONSOLE_TOPIC_LAYOUT.consoleLayout, { site });
}

export function consoleStacksTopic(site: string): string {
  return fillTopicLayout(CONSOLE_TOPIC_LAYOUT.consoleStacks, { site });
}

/** Where `user`'s commands go (`+`: the controller's subscription to every user's). */
export function consoleCommandTopic(site: string, user: string): string {
  return fillTopicLayout(CONSOLE_TOPIC_LAYOUT.consoleCommand, { site, user });
}

export function consoleReplyTopic(site: string, user: string): string {
  return fillTopicLayout(CONSOLE_TOPIC_LAYOUT.consoleReply, { site, user });
}

/** The user a concrete command topic belongs to; null when it is not a command topic of `site`. */
export function commandTopicUser(site: string, topic: string): string | null {
  const prefix = consoleCommandTopic(site, '+').slice(0, -1);
  if (!topic.startsWith(prefix)) return null;
  const user = topic.slice(prefix.length);
  return isTopicLevel(user) ? user : null;
}

/** Splits a concrete port topic into its parts; null when it is not a port presentation/confirm topic. */
export function parsePortTopic(topic: string): PortTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 6 || parts[0] !== 'gridline' || parts[1] !== 'v1' || parts[3] !== 'port') return null;
  const [, , site, , portId, channel] = parts as [string, string, string, string, string, string];
  if (!isTopicLevel(site) || !isTopicLevel(portId)) return null;
  if (channel !== 'presentation' && channel !== 'confirm') return null;
  return { site, portId, channel };
}
