/**
 * The bridge's topics, under a configurable root (default `tuya`). A device's path is its id; a
 * gateway child's is `<gateway-id>/<cid>`.
 *
 * | topic | what |
 * | --- | --- |
 * | `<root>/bridge/availability` | `online`, or `offline` (the bridge's last will) |
 * | `<root>/<path>/availability` | `online` / `offline`: the device's connection |
 * | `<root>/<path>/state` | all DPs as JSON (retained) |
 * | `<root>/<path>/dp/<dp>/state` | one DP's value as JSON (retained) |
 * | `<root>/<path>/entity/<key>/state` | an entity's state where it is not one DP (a light, as HA's JSON schema) |
 * | `<root>/<path>/set`, `.../dp/<dp>/set`, `.../entity/<key>/set` | commands |
 * | `<root>/<path>/result` | the answer to every command: `{ ok, dps }` or `{ ok: false, error }` |
 */

/** The topics of one device. */
export interface DeviceTopics {
  readonly base: string
  readonly state: string
  readonly set: string
  readonly result: string
  readonly availability: string
  dpState(dp: string): string
  dpSet(dp: string): string
  entityState(key: string): string
  entitySet(key: string): string
}

/**
 * The topics of a device.
 * @param root - the topic root (`tuya`)
 * @param path - the device id, or `<gateway-id>/<cid>`
 * @returns its topics
 */
export function deviceTopics(root: string, path: string): DeviceTopics {
  const base = `${root}/${path}`
  return {
    base,
    state: `${base}/state`,
    set: `${base}/set`,
    result: `${base}/result`,
    availability: `${base}/availability`,
    dpState: (dp) => `${base}/dp/${dp}/state`,
    dpSet: (dp) => `${base}/dp/${dp}/set`,
    entityState: (key) => `${base}/entity/${key}/state`,
    entitySet: (key) => `${base}/entity/${key}/set`,
  }
}

/** The bridge's own availability topic. */
export function bridgeAvailabilityTopic(root: string): string {
  return `${root}/bridge/availability`
}

/** The filters the bridge subscribes to for commands: every `set` one to four levels under the root. */
export function commandFilters(root: string): string[] {
  return [`${root}/+/set`, `${root}/+/+/set`, `${root}/+/+/+/set`, `${root}/+/+/+/+/set`]
}

/**
 * Checks a topic root: MQTT topic levels without wildcards, not empty, no leading or trailing `/`.
 * @throws RangeError saying what is wrong
 */
export function checkRoot(root: string, name = 'root'): string {
  if (typeof root !== 'string' || root === '' || root.startsWith('/') || root.endsWith('/') || /[#+\u0000]/.test(root) || root.includes('//')) {
    throw new RangeError(`options.${name} must be MQTT topic levels such as "tuya" or "home/tuya" (no wildcards, no leading or trailing /), got ${JSON.stringify(root)}`)
  }
  return root
}
