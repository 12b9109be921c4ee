import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock.ts';
import { MemoryBroker } from './memory-bus.ts';
import { topicMatches } from './message-bus.ts';

describe('topicMatches (MQTT 3.1.1 §4.7)', () => {
  it('matches + as one level and # as the rest', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+/c', 'a/b/d')).toBe(false);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('a/b', 'a/b')).toBe(true);
  });
});

describe('MemoryBroker', () => {
  function setup() {
    const clock = new SimulatedClock();
    const broker = new MemoryBroker(clock);
    return { clock, broker };
  }

  it('delivers to exact and wildcard subscribers, in publish order, on the clock', async () => {
    const { clock, broker } = setup();
    const got: string[] = [];
    const exact = broker.connect({ clientId: 'exact' });
    const wild = broker.connect({ clientId: 'wild' });
    await exact.subscribe('a/b', (t, p) => got.push(`exact ${t} ${p}`));
    await wild.subscribe('a/#', (t, p) => got.push(`wild ${t} ${p}`));
    const pub = broker.connect({ clientId: 'pub' });
    pub.publish('a/b', '1');
    pub.publish('a/c', '2');
    expect(got).toEqual([]);
    clock.runAll();
    expect(got).toEqual(['exact a/b 1', 'wild a/b 1', 'wild a/c 2']);
  });

  it('stops delivering to a closed client, and a new subscriber sees retained messages', async () => {
    const { clock, broker } = setup();
    const got: string[] = [];
    const sub = broker.connect({ clientId: 'sub' });
    await sub.subscribe('t/x', (_t, p) => got.push(p));
    const pub = broker.connect({ clientId: 'pub' });
    pub.publish('t/x', 'retained', { retain: true });
    clock.runAll();
    await sub.close();
    pub.publish('t/x', 'after close');
    clock.runAll();
    const late = broker.connect({ clientId: 'late' });
    await late.subscribe('t/+', (_t, p) => got.push(`late ${p}`));
    clock.runAll();
    expect(got).toEqual(['retained', 'late retained']);
  });

  it('gives a new exact subscriber only its own retained message, and a wildcard one every match (MQTT 3.1.1 §3.3.1.3)', async () => {
    const { clock, broker } = setup();
    const got: string[] = [];
    const pub = broker.connect({ clientId: 'pub' });
    pub.publish('r/1', 'one', { retain: true });
    pub.publish('r/2', 'two', { retain: true });
    pub.publish('r/3', 'three', { retain: true });
    pub.publish('r/3', '', { retain: true }); // an empty retained payload clears it
    await broker.connect({ clientId: 'exact' }).subscribe('r/2', (t, p) => got.push(`exact ${t} ${p}`));
    await broker.connect({ clientId: 'none' }).subscribe('r/3', (t, p) => got.push(`cleared ${t} ${p}`));
    await broker.connect({ clientId: 'wild' }).subscribe('r/+', (t, p) => got.push(`wild ${t} ${p}`));
    clock.runAll();
    expect(got).toEqual(['exact r/2 two', 'wild r/1 one', 'wild r/2 two']);
  });

  it('publishes the last will when a connection drops, not when it closes (MQTT 3.1.2.5)', async () => {
    const { clock, broker } = setup();
    const got: string[] = [];
    const watcher = broker.connect({ clientId: 'watcher' });
    await watcher.subscribe('status/#', (t, p) => got.push(`${t} ${p}`));
    broker.connect({ clientId: 'a', will: { topic: 'status/a', payload: 'gone' } }).drop();
    await broker.connect({ clientId: 'b', will: { topic: 'status/b', payload: 'gone' } }).close();
    clock.runAll();
    expect(got).toEqual(['status/a gone']);
  });

  it('lets a second connection with the same client id take over the first (MQTT 3.1.4)', async () => {
    const { clock, broker } = setup();
    const got: string[] = [];
    const first = broker.connect({ clientId: 'same', will: { topic: 'w', payload: 'first dropped' } });
    const watcher = broker.connect({ clientId: 'watcher' });
    await watcher.subscribe('w', (_t, p) => got.push(p));
    broker.connect({ clientId: 'same' });
    clock.runAll();
    expect(first.connected).toBe(false);
    expect(got).toEqual(['first dropped']);
  });
});
