/**
 * Filling gridline topic layouts (`gridline/v1/{site}/wms/{clientId}/request`, ...) with names,
 * shared by the WMS and console contracts so both check topic levels the same way.
 */

/** A topic level taken from a name: non-empty, without MQTT separators or wildcards. */
const TOPIC_LEVEL = /^[^/+#\u0000]+$/;

/** True when `value` can stand as one level of a concrete topic. */
export function isTopicLevel(value: string): boolean {
  return TOPIC_LEVEL.test(value);
}

/**
 * Replaces each `{name}` in `layout` with `values[name]`. A value of `+` passes as the MQTT
 * single-level wildcard (for subscriptions); any other value must be a valid topic level, or
 * a RangeError names it: `site "a/b" is not a valid topic level`.
 */
export function fillTopicLayout(layout: string, values: Readonly<Record<string, string>>): string {
  let topic = layout;
  for (const [name, value] of Object.entries(values)) {
    if (value !== '+' && !isTopicLevel(value)) throw new RangeError(`${name} ${JSON.stringify(value)} is not a valid topic level`);
    topic = topic.replace(`{${name}}`, () => value);
  }
  return topic;
}
