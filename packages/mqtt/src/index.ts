/**
 * @packageDocumentation
 * Tuya devices on an MQTT broker: each device's DPs as retained JSON state (and one topic per
 * DP), commands on `set` topics answered on `result` (with the request's MQTT 5 correlation
 * data), availability from the device connections plus the bridge's last will, and Home
 * Assistant device discovery from device profiles (tinytuya's `mapping`, or a YAML file). Typed
 * helpers (`createLight`, `createCover`, `createClimate`) use the same profiles. Built on MQTT.js
 * and `@tuya/client`'s fleet.
 *
 * @example
 * ```ts
 * import { createBridge, profileFromMapping } from '@tuya/mqtt'
 *
 * const bridge = createBridge({
 *   mqtt: 'mqtt://localhost:1883',
 *   devices: [{ id: 'bf1234567890abcdefgh', key: '0123456789abcdef', host: '192.168.1.50', version: '3.4', name: 'Desk lamp',
 *     profile: profileFromMapping({ '20': { code: 'switch_led', type: 'Boolean' }, '22': { code: 'bright_value_v2', type: 'Integer', values: { min: 10, max: 1000 } } }) }],
 * })
 * await bridge.start() // tuya/bf1234567890abcdefgh/state, .../set, .../result; homeassistant/device/tuya_bf…/config
 * ```
 */
import { profileFromDps } from './profile/derive.ts'
import { dpsFromMapping } from './profile/mapping.ts'
import type { DeviceProfile } from './profile/types.ts'

export { createBridge, TuyaMqttBridge } from './bridge.ts'
export type { BridgeDevice, BridgeDeviceOptions, BridgeDeviceStatus, BridgeEventMap, BridgeLogEntry, BridgeOptions } from './types.ts'
export { bridgeAvailabilityTopic, commandFilters, deviceTopics } from './topics.ts'
export type { DeviceTopics } from './topics.ts'
export { discoveryConfig, discoveryTopic, haDeviceId } from './home-assistant.ts'
export type { DiscoveryDevice } from './home-assistant.ts'
export { CommandError, MqttBridgeError, NoSuchEntityError, ProfileError, UnknownDeviceError } from './errors.ts'
export { deriveEntities, profileFromDps, profileFromValues } from './profile/derive.ts'
export { dpsFromMapping, dpSpecFromMapping } from './profile/mapping.ts'
export { parseBridgeFile, readProfile } from './profile/file.ts'
export type { BridgeFile, FileDevice, FileMqttSettings } from './profile/file.ts'
export { checkDps, checkDpValue } from './profile/values.ts'
export type { ClimateEntity, CoverEntity, DeviceProfile, DpSpec, DpType, Entity, EntityKind, LightEntity, NumberEntity, SensorEntity, SwitchEntity } from './profile/types.ts'
export { decodeColour, encodeColour } from './colour.ts'
export type { ColourFormat, Hsv } from './colour.ts'
export { lightDps, readLight } from './entities/light.ts'
export type { LightChange, LightState } from './entities/light.ts'
export { haLightCommand, haLightState } from './entities/ha-light.ts'
export type { HaLightState } from './entities/ha-light.ts'
export { createClimate, createCover, createLight } from './helpers.ts'
export type { Climate, Cover, Light, SettableDevice } from './helpers.ts'

/**
 * A device profile from the `mapping` tinytuya's wizard writes into devices.json.
 * @param mapping - DP id -> `{ code, type, values }`
 * @param where - for messages (the device's name)
 * @returns the profile: DP specs with the standard codes' defaults, and the entities derived from them
 * @throws ProfileError for a mapping that cannot be read
 * @example createLight(device, profileFromMapping(entry.mapping)).setColour({ h: 120, s: 100, v: 50 })
 */
export function profileFromMapping(mapping: unknown, where?: string): DeviceProfile {
  return profileFromDps(dpsFromMapping(mapping, where))
}
