import { describe, expect, it } from 'vitest';
import { configFromQuery, resolveConfig } from './console-config.ts';

const PAGE = 'http://console.local:8080/index.html';

describe('console config', () => {
  it('takes config.json as served', () => {
    expect(resolveConfig({ mqttUrl: 'ws://127.0.0.1:9001/mqtt', site: 'demo' }, PAGE)).toEqual({ ok: true, config: { mqttUrl: 'ws://127.0.0.1:9001/mqtt', site: 'demo' } });
  });

  it("resolves a path against the page's host, wss: behind https:", () => {
    expect(resolveConfig({ mqttUrl: '/mqtt', site: 'demo' }, PAGE)).toEqual({ ok: true, config: { mqttUrl: 'ws://console.local:8080/mqtt', site: 'demo' } });
    expect(resolveConfig({ mqttUrl: '/mqtt', site: 'demo' }, 'https://c.example/x/index.html')).toMatchObject({ config: { mqttUrl: 'wss://c.example/mqtt' } });
  });

  it('reads the development configuration from the query string, and nothing else from it', () => {
    expect(configFromQuery('?site=other&mqttUrl=ws%3A%2F%2Fb%3A2%2Fmqtt&user=x')).toEqual({ mqttUrl: 'ws://b:2/mqtt', site: 'other' });
    expect(resolveConfig(configFromQuery('?site=other&mqttUrl=ws%3A%2F%2Fb%3A2%2Fmqtt'), PAGE)).toEqual({ ok: true, config: { mqttUrl: 'ws://b:2/mqtt', site: 'other' } });
    expect(configFromQuery('')).toEqual({});
  });

  it('refuses what cannot work, saying why', () => {
    expect(resolveConfig({ mqttUrl: 'ws://a:1/mqtt' }, PAGE)).toEqual({ ok: false, error: 'config.json: site is required' });
    expect(resolveConfig({ mqttUrl: 'ws://a:1/mqtt', site: 'a/b' }, PAGE)).toEqual({ ok: false, error: 'config.json: site must be usable as an MQTT topic level (no / + #)' });
    expect(resolveConfig({ mqttUrl: 'http://a:1/mqtt', site: 'demo' }, PAGE)).toEqual({ ok: false, error: 'config.json: mqttUrl must be a ws: or wss: URL, got http:' });
    expect(resolveConfig(null, PAGE).ok).toBe(false);
  });
});
