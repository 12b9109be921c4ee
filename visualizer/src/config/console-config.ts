import { z } from 'zod';
import { readableErrorMap } from '../../../protocol/layout/describe-zod-issues.ts';
import { isTopicLevel } from '../../../protocol/topic-levels.ts';

/**
 * The pages' configuration, served beside them as `config.json` (fetched relative to the
 * page) to a browser that logged in: `{ "mqttUrl": "ws://host:port/mqtt", "site": "demo",
 * "user": { "name": …, "role": …, "scope": … } }`. Only where no config.json is served (a
 * development server) does the page's query string give the first two (`?mqttUrl=ws://…&site=…`):
 * a link must not be able to point a logged-in console at another broker. A URL that starts with
 * `/` means the broker's WebSocket on the page's own host (ws: or wss: after the page).
 */
export interface ConsoleConfig {
  readonly mqttUrl: string;
  readonly site: string;
  /** Who is logged in (the console server's session); absent on a page served without one. */
  readonly user?: ConsoleUser;
}

export interface ConsoleUser {
  readonly name: string;
  readonly role: string;
  /** A port screen's port; '' for people. */
  readonly scope: string;
}

/** Who is logged in, as /config.json, /session and POST /login give it. */
export const consoleUserSchema = z.object({ name: z.string().min(1).max(64).refine(isTopicLevel, 'must be usable as an MQTT topic level'), role: z.string(), scope: z.string() });

const configSchema = z.object({
  mqttUrl: z.string().min(1),
  site: z.string().min(1).max(64).refine(isTopicLevel, 'must be usable as an MQTT topic level (no / + #)'),
  user: consoleUserSchema.optional(),
});

/** `loginNeeded`: the console server answered 401, the browser has no session (or it ended). */
export type ConfigResult = { readonly ok: true; readonly config: ConsoleConfig } | { readonly ok: false; readonly error: string; readonly loginNeeded?: boolean };

/** The development server's configuration: `mqttUrl` and `site` from the page's query string. */
export function configFromQuery(search: string): Record<string, string> {
  const query = new URLSearchParams(search);
  const fields: Record<string, string> = {};
  for (const key of ['mqttUrl', 'site']) {
    const value = query.get(key);
    if (value) fields[key] = value;
  }
  return fields;
}

/** Checks a configuration (config.json's content, or `configFromQuery`'s) and resolves its URL against the page. */
export function resolveConfig(json: unknown, pageUrl: string): ConfigResult {
  const parsed = configSchema.safeParse(json, { error: readableErrorMap });
  if (!parsed.success) return { ok: false, error: `config.json: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'config'} ${i.message}`).join('; ')}` };
  let url: URL;
  try {
    const page = new URL(pageUrl);
    const wsBase = `${page.protocol === 'https:' ? 'wss:' : 'ws:'}//${page.host}`;
    url = new URL(parsed.data.mqttUrl, wsBase);
  } catch {
    return { ok: false, error: `config.json: mqttUrl ${JSON.stringify(parsed.data.mqttUrl)} is not a URL` };
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return { ok: false, error: `config.json: mqttUrl must be a ws: or wss: URL, got ${url.protocol}` };
  return { ok: true, config: { mqttUrl: url.toString(), site: parsed.data.site, ...(parsed.data.user ? { user: parsed.data.user } : {}) } };
}

/**
 * Fetches `./config.json` relative to the page and resolves it. Never throws. Without a session
 * the answer is 401 (`loginNeeded`); another failure falls back to the query string (a
 * development server serves no config.json).
 */
export async function loadConfig(): Promise<ConfigResult> {
  const fromQuery = (failure: string): ConfigResult => {
    const result = resolveConfig(configFromQuery(window.location.search), window.location.href);
    return result.ok ? result : { ok: false, error: failure };
  };
  let json: unknown;
  try {
    const response = await fetch(new URL('config.json', window.location.href), { cache: 'no-store' });
    if (response.status === 401) return { ok: false, error: 'not logged in', loginNeeded: true };
    if (!response.ok) return fromQuery(`config.json: HTTP ${response.status}`);
    json = await response.json();
  } catch (error) {
    return fromQuery(`config.json could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return resolveConfig(json, window.location.href);
}
